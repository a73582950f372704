/**
 * @module ops/doctor/run-doctor
 *
 * `omsm doctor`: what an operator checks by hand before blaming omsm, from where it runs. In order:
 * the config is valid; the Fernet key is usable where one is needed (the provider module says what
 * it is for); the provider module's own checks (kubernetes: the API server answers, who we are,
 * each verb the role needs on Secrets); the namespace the server and an ingestion runtime would
 * use. Every line is OK or says how to fix it. A check that cannot tell is a failure, never an OK.
 * The ingestion loaders come in through the options (the CLI passes them): ops does not import
 * ingestion.
 */
import type { OmsmConfig } from '../../core/config/config-types.js';
import { loadConfig } from '../../core/config/load-config.js';
import { asOmsmError } from '../../core/errors.js';
import { providerRegistry } from '../../providers.js';
import { errorLine, fernetCheck, type IngestionSide, ingestionSide, rbacFix } from './doctor-checks.js';
import type { CheckResult, DoctorOptions, DoctorReport } from './doctor-types.js';

export { DEFAULT_FERNET_KEY } from './doctor-checks.js';
export type { DoctorOptions, IngestionConnectionLoader } from './doctor-types.js';

/** Runs every check and returns the report; throws nothing a check can report. */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const role = opts.role ?? 'server';
  const checks: CheckResult[] = [];
  const done = (exit?: 2): DoctorReport => {
    const failed = checks.some((c) => c.status === 'fail');
    return { ok: !failed, role, checks, exitCode: exit ?? (failed ? 3 : 0) };
  };

  let config: OmsmConfig;
  try {
    config = loadConfig({ path: opts.configPath, env: opts.env ?? process.env });
  } catch (err) {
    const known = asOmsmError(err);
    checks.push({
      id: 'config',
      status: 'fail',
      message: errorLine(err),
      fix: known?.fix ?? 'Correct the config file.',
    });
    return done(2);
  }
  const smc = config.secretsManagerConfiguration;
  const serverNs = smc.parameters.namespace;
  checks.push({
    id: 'config',
    status: 'ok',
    message: `${opts.configPath} is valid (provider ${smc.secretsManager}, namespace ${serverNs}, clusterName ${config.clusterName})`,
  });
  const registry = opts.registry ?? providerRegistry();
  checks.push(fernetCheck(config, role, await registry.moduleFor(config)));

  let ingestion: IngestionSide | undefined;
  if (role === 'ingestion' || opts.workflowPath) {
    try {
      ingestion = await ingestionSide(config, opts);
    } catch (err) {
      checks.push({
        id: 'namespace',
        status: 'fail',
        message: `cannot tell what ingestion would use: ${errorLine(err)}`,
        fix: asOmsmError(err)?.fix,
      });
    }
  }

  const own = await registry.moduleFor(config);
  // `--kubeconfig` names a connection to check even when the config's own provider has none.
  const checked =
    own.doctor || opts.kubeconfig === undefined
      ? own
      : (await registry.modules()).find((m) => m.doctor?.takesKubeconfig);
  if (!checked?.doctor) {
    checks.push({
      id: 'reachable',
      status: 'skip',
      message: `provider is ${smc.secretsManager}: there is no secrets store to reach`,
    });
    return done();
  }
  const base =
    role === 'ingestion' && ingestion
      ? ingestion.connection
      : {
          inCluster: smc.parameters.inCluster,
          kubeconfigPath: smc.parameters.kubeconfigPath,
          namespace: serverNs,
        };
  const connection = opts.kubeconfig ? { ...base, inCluster: false, kubeconfigPath: opts.kubeconfig } : base;
  const result = await checked.doctor.checks({
    config: {
      ...config,
      secretsManagerConfiguration: {
        ...smc,
        secretsManager: checked.name,
        parameters: { ...smc.parameters, ...connection },
      },
    },
    role,
    withList: opts.withList === true,
    accessFix: (username) => rbacFix(opts, role, username, connection.namespace),
  });
  checks.push(...result.checks);
  if (!result.reached) return done();
  if (ingestion) {
    if (ingestion.provider !== undefined && ingestion.provider !== smc.secretsManager) {
      checks.push({
        id: 'workflow-provider',
        status: 'fail',
        message: `the workflow's secretsManagerProvider is ${ingestion.provider} but the server uses ${smc.secretsManager}`,
        fix: `Set workflowConfig.openMetadataServerConfig.secretsManagerProvider: ${smc.secretsManager}`,
      });
    }
    if (ingestion.namespace === serverNs) {
      checks.push({
        id: 'namespace',
        status: 'ok',
        message: `server and ingestion both use namespace "${serverNs}" (ingestion: ${ingestion.source})`,
      });
    } else {
      checks.push({
        id: 'namespace',
        status: 'fail',
        message: `the server stores Secrets in "${serverNs}" but ingestion would read "${ingestion.namespace}" (${ingestion.source})`,
        fix: `Set KUBERNETES_NAMESPACE=${serverNs} (env loader) or AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_NAMESPACE=${serverNs} (airflow loader)`,
      });
    }
  } else if (!checks.some((c) => c.id === 'namespace')) {
    checks.push({
      id: 'namespace',
      status: 'skip',
      message: `server namespace "${serverNs}"; pass --workflow FILE to compare what ingestion would use`,
    });
  }
  return done();
}
