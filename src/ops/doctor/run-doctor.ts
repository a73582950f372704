/**
 * @module ops/doctor/run-doctor
 *
 * `omsm doctor`: what an operator checks by hand before blaming omsm, from where it runs. In order:
 * the config is valid; the Fernet key is usable where one is needed; the API server answers; who
 * we are (SelfSubjectReview); each verb the role needs on Secrets (SelfSubjectAccessReview); the
 * namespace the server and an ingestion runtime would use. Every line is OK or says how to fix it.
 * A check that cannot tell is a failure, never an OK.
 */
import type { OmsmConfig } from '../../core/config/config-types.js';
import { loadConfig } from '../../core/config/load-config.js';
import { asOmsmError } from '../../core/errors.js';
import type { KubernetesConnection } from '../../kubernetes/index.js';
import { errorLine, fernetCheck, type IngestionSide, ingestionSide, rbacFix } from './doctor-checks.js';
import type { CheckResult, DoctorOptions, DoctorReport, KubeProbe } from './doctor-types.js';

export { DEFAULT_FERNET_KEY } from './doctor-checks.js';
export type { DoctorOptions } from './doctor-types.js';

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
  checks.push(fernetCheck(config, role));

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

  const usesKube = smc.secretsManager === 'kubernetes' || opts.kubeconfig !== undefined;
  if (!usesKube) {
    checks.push({
      id: 'reachable',
      status: 'skip',
      message: `provider is ${smc.secretsManager}: Kubernetes is not used`,
    });
    return done();
  }

  const base: KubernetesConnection =
    role === 'ingestion' && ingestion
      ? ingestion.connection
      : {
          inCluster: smc.parameters.inCluster,
          kubeconfigPath: smc.parameters.kubeconfigPath,
          namespace: serverNs,
        };
  const connection = opts.kubeconfig ? { ...base, inCluster: false, kubeconfigPath: opts.kubeconfig } : base;
  const namespace = connection.namespace;

  let probe: KubeProbe;
  try {
    probe = await (opts.probe ?? (await import('./kube-probe.js')).createKubeProbe)(connection);
  } catch (err) {
    checks.push({
      id: 'reachable',
      status: 'fail',
      message: `cannot load the Kubernetes connection: ${errorLine(err)}`,
      fix: asOmsmError(err)?.fix,
    });
    return done();
  }
  try {
    let username = '';
    try {
      const me = await probe.whoami();
      username = me.username;
      checks.push({ id: 'reachable', status: 'ok', message: `API server ${probe.server} answered` });
      checks.push({
        id: 'identity',
        status: 'ok',
        message: `authenticated as ${me.username}${me.groups.length ? ` (groups ${me.groups.join(', ')})` : ''}`,
      });
    } catch (err) {
      const code = (err as { code?: unknown })?.code;
      if (code === 401) {
        checks.push({ id: 'reachable', status: 'ok', message: `API server ${probe.server} answered` });
        checks.push({
          id: 'identity',
          status: 'fail',
          message: `the API server rejected the credentials of ${probe.identityHint}`,
          fix: 'Check the kubeconfig user or the ServiceAccount token (a rotated or expired token?)',
        });
        return done();
      }
      if (typeof code === 'number') {
        // Reachable, but SelfSubjectReview is unavailable (before Kubernetes 1.28) or not allowed.
        checks.push({ id: 'reachable', status: 'ok', message: `API server ${probe.server} answered` });
        checks.push({
          id: 'identity',
          status: 'warn',
          message: `SelfSubjectReview failed (HTTP ${code}); configured as ${probe.identityHint}`,
        });
      } else {
        checks.push({
          id: 'reachable',
          status: 'fail',
          message: `cannot reach the API server ${probe.server} (${errorLine(err)})`,
          fix: 'Check the server address, network path and CA in the kubeconfig (or KUBERNETES_SERVICE_HOST/PORT in a pod)',
        });
        return done();
      }
    }

    const verbs = role === 'ingestion' ? ['get'] : ['create', 'get', 'update', 'delete'];
    if (opts.withList) verbs.push('list');
    const fix = rbacFix(opts, role, username, namespace);
    const reviews = await Promise.all(
      verbs.map(async (verb) => {
        try {
          return { verb, r: await probe.canI(namespace, verb) };
        } catch (err) {
          return { verb, err };
        }
      }),
    );
    for (const { verb, r, err } of reviews) {
      const what = `${verb} secrets in namespace "${namespace}"`;
      if (r?.allowed) checks.push({ id: `verb:${verb}`, status: 'ok', message: `may ${what}` });
      else if (r && !(r.evaluationError && !r.denied))
        checks.push({ id: `verb:${verb}`, status: 'fail', message: `may not ${what}`, fix });
      else {
        checks.push({
          id: `verb:${verb}`,
          status: 'fail',
          message: `could not check whether it may ${what} (${err ? errorLine(err) : 'evaluation error'})`,
          fix: 'Allow SelfSubjectAccessReview (every authenticated user has it by default) and run doctor again',
        });
      }
    }
  } finally {
    probe.close();
  }

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
