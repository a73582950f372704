/**
 * @module ops/migrate/open-migration
 *
 * Wires a migration from the command line's view: the main config names the database and the
 * target provider (what the server will use after the migration); the source is `db` by default
 * (upstream's only case), or another config (`--from-config`), or the main config with the
 * provider, namespace or kubeconfig changed by flags.
 */
import type { OmsmConfig, ProviderName } from '../../core/config/config-types.js';
import { PROVIDERS } from '../../core/config/config-types.js';
import { loadConfig } from '../../core/config/load-config.js';
import { omsmError } from '../../core/errors.js';
import type { SecretsProvider } from '../../core/providers/provider.js';
import { loadSchemaRegistry } from '../../core/schema/schema-registry.js';
import { createSecretsManager } from '../../core/secrets/secrets-manager.js';
import { openProvider } from '../../providers.js';
import { openDatabase } from '../../domain/db/database.js';
import { EntityStore } from '../../domain/db/entity-store.js';
import { dbHolderSource } from './holders-db.js';
import type { SecretHolderSource } from './migrate-types.js';
import type { PlanContext } from './plan.js';
import type { TargetInspector } from './refine.js';

export interface SourceSelection {
  readonly fromConfig?: string;
  readonly fromProvider?: string;
  readonly fromNamespace?: string;
  readonly fromKubeconfig?: string;
}

/**
 * The source config: `--from-config`, else the main config with the `--from-*` overrides. The
 * provider defaults to db (upstream's only case), or kubernetes when a namespace or kubeconfig is given.
 * @throws OmsmError OMSM_ERR_USAGE for conflicting or unknown flags; config errors for --from-config.
 */
export function sourceConfig(
  main: OmsmConfig,
  sel: SourceSelection,
  env: NodeJS.ProcessEnv = process.env,
): OmsmConfig {
  if (sel.fromConfig) {
    if (sel.fromProvider || sel.fromNamespace || sel.fromKubeconfig) {
      throw omsmError(
        'OMSM_ERR_USAGE',
        '--from-config cannot be combined with --from-provider/--from-namespace/--from-kubeconfig',
        {
          path: '--from-config',
        },
      );
    }
    return loadConfig({ path: sel.fromConfig, env });
  }
  // A source namespace or kubeconfig only makes sense for kubernetes: imply it.
  const implied = sel.fromNamespace || sel.fromKubeconfig ? 'kubernetes' : 'db';
  const provider = (sel.fromProvider ?? implied) as ProviderName;
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw omsmError('OMSM_ERR_USAGE', `--from-provider must be one of ${PROVIDERS.join(', ')}`, {
      path: '--from-provider',
    });
  }
  const smc = main.secretsManagerConfiguration;
  return {
    ...main,
    secretsManagerConfiguration: {
      ...smc,
      secretsManager: provider,
      parameters: {
        ...smc.parameters,
        ...(sel.fromNamespace ? { namespace: sel.fromNamespace } : {}),
        ...(sel.fromKubeconfig ? { kubeconfigPath: sel.fromKubeconfig, inCluster: false } : {}),
      },
    },
  };
}

/** Human label of where a config's secrets live. */
export function describeProvider(c: OmsmConfig): string {
  const smc = c.secretsManagerConfiguration;
  if (smc.secretsManager !== 'kubernetes')
    return smc.secretsManager === 'db' ? 'db (Fernet in the database)' : smc.secretsManager;
  const p = smc.parameters;
  const via = p.inCluster
    ? 'in-cluster'
    : p.kubeconfigPath
      ? `kubeconfig ${p.kubeconfigPath}`
      : 'default kubeconfig';
  return `kubernetes (namespace ${p.namespace}, ${via})`;
}

/**
 * @throws OmsmError OMSM_ERR_USAGE when source and target are the same place.
 */
export function assertDistinct(source: OmsmConfig, target: OmsmConfig): void {
  const a = source.secretsManagerConfiguration;
  const b = target.secretsManagerConfiguration;
  if (a.secretsManager !== b.secretsManager) return;
  const same =
    a.secretsManager !== 'kubernetes' ||
    (a.parameters.namespace === b.parameters.namespace &&
      a.parameters.inCluster === b.parameters.inCluster &&
      a.parameters.kubeconfigPath === b.parameters.kubeconfigPath);
  if (same) {
    throw omsmError(
      'OMSM_ERR_USAGE',
      `source and target are the same (${describeProvider(source)}): set the target in -c and the source with --from-provider/--from-namespace/--from-kubeconfig or --from-config`,
      { path: '--from-provider' },
    );
  }
}

/**
 * Two kubeconfigs can reach the same API server: same server URL and namespace means the same
 * Secrets, and `--delete-source` would delete the only copy. Refused as a usage error.
 * @throws OmsmError OMSM_ERR_USAGE; OMSM_ERR_KUBE_CONFIG when a kubeconfig cannot be read.
 */
async function assertDistinctClusters(source: OmsmConfig, target: OmsmConfig): Promise<void> {
  const k = await import('../../kubernetes/index.js');
  const where = (c: OmsmConfig) => {
    const p = c.secretsManagerConfiguration.parameters;
    const kc = k.loadKubeConfig({
      inCluster: p.inCluster,
      kubeconfigPath: p.kubeconfigPath,
      namespace: p.namespace,
    });
    return `${kc.getCurrentCluster()?.server ?? ''} ${p.namespace}`;
  };
  if (where(source) === where(target)) {
    throw omsmError(
      'OMSM_ERR_USAGE',
      `source and target reach the same API server and namespace (${describeProvider(target)}): they hold the same Secrets`,
      { path: '--from-kubeconfig' },
    );
  }
}

export interface OpenedMigration {
  readonly source: SecretsProvider;
  readonly target: SecretsProvider;
  readonly holders: SecretHolderSource;
  readonly plan: PlanContext;
  readonly inspector?: TargetInspector;
  close(): Promise<void>;
}

/**
 * Opens the database, both providers and the schema registry.
 * @throws OmsmError config, connection and database errors.
 */
export async function openMigration(
  target: OmsmConfig,
  source: OmsmConfig,
  options: { readonly deleteSource: boolean; readonly dryRun: boolean },
): Promise<OpenedMigration> {
  assertDistinct(source, target);
  if (
    source.secretsManagerConfiguration.secretsManager === 'kubernetes' &&
    target.secretsManagerConfiguration.secretsManager === 'kubernetes'
  ) {
    await assertDistinctClusters(source, target);
  }
  const opened: { close(): Promise<void> }[] = [];
  try {
    // Apply checks access first (SelfSubjectAccessReview): a missing verb stops the run before any
    // write, with the Role that fixes it, instead of failing every item with the same 403. A check
    // that cannot tell (Unknown) does not stop it. Dry-run plans whatever the permissions.
    const access = (c: OmsmConfig): OmsmConfig => ({
      ...c,
      secretsManagerConfiguration: {
        ...c.secretsManagerConfiguration,
        parameters: {
          ...c.secretsManagerConfiguration.parameters,
          accessCheck: options.dryRun ? 'off' : 'fail',
        },
      },
    });
    const src = await openProvider(access(source), { readOnly: !options.deleteSource });
    opened.push(src);
    const dst = await openProvider(access(target), { readOnly: options.dryRun });
    opened.push(dst);
    const { db } = openDatabase(target.database);
    opened.push({ close: () => db.destroy() });
    const schemas = loadSchemaRegistry([...target.schemaDirs]);
    const manager = createSecretsManager({ provider: dst, naming: naming(target), schemas });
    let inspector: TargetInspector | undefined;
    if (options.dryRun && target.secretsManagerConfiguration.secretsManager === 'kubernetes') {
      const k = await import('../../kubernetes/index.js');
      const p = target.secretsManagerConfiguration.parameters;
      const kc = k.loadKubeConfig({
        inCluster: p.inCluster,
        kubeconfigPath: p.kubeconfigPath,
        namespace: p.namespace,
      });
      const apis = k.createClientApis(kc, { concurrency: p.concurrency });
      opened.push({ close: async () => apis.secrets.close() });
      const { kubeInspector } = await import('./kube-inspector.js');
      inspector = kubeInspector(apis.secrets, p.namespace, k.describeIdentity(kc));
    }
    const facts = (p: SecretsProvider, c: OmsmConfig) => ({
      name: p.name,
      label: describeProvider(c),
      inline: p.inline,
      recognizes: (s: string) => p.recognizes(s),
    });
    return {
      source: src,
      target: dst,
      holders: dbHolderSource({ store: new EntityStore(db) }),
      plan: {
        source: facts(src, source),
        target: facts(dst, target),
        sourceNaming: naming(source),
        targetNaming: naming(target),
        passwordPaths: (schema, config) => manager.passwordPaths(schema, config),
      },
      ...(inspector ? { inspector } : {}),
      async close() {
        for (const o of opened.reverse()) await o.close().catch(() => {});
      },
    };
  } catch (err) {
    for (const o of opened.reverse()) await o.close().catch(() => {});
    throw err;
  }
}

function naming(c: OmsmConfig) {
  return { prefix: c.secretsManagerConfiguration.prefix, clusterName: c.clusterName };
}
