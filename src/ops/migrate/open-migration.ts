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
import { type ProviderModule, providerRegistry } from '../../providers.js';
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

/**
 * Refuses a source and target that reach the same store (the provider's module says when two of
 * its configs do): the migration would move nothing, and `--delete-source` would delete the only copy.
 * @throws OmsmError OMSM_ERR_USAGE; OMSM_ERR_KUBE_CONFIG when a kubeconfig cannot be read.
 */
async function assertDistinct(source: OmsmConfig, target: OmsmConfig, module: ProviderModule): Promise<void> {
  if (source.secretsManagerConfiguration.secretsManager !== target.secretsManagerConfiguration.secretsManager)
    return;
  const same = await module.sameStore(source, target);
  if (same !== undefined) {
    throw omsmError(
      'OMSM_ERR_USAGE',
      `source and target ${same} (${module.describe(target)}): they hold the same secrets; set the target in -c and the source with --from-provider/--from-namespace/--from-kubeconfig or --from-config`,
      { path: '--from-provider' },
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
  const registry = providerRegistry();
  const srcModule = await registry.moduleFor(source);
  const dstModule = await registry.moduleFor(target);
  await assertDistinct(source, target, dstModule);
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
    const src = await registry.open(access(source), { readOnly: !options.deleteSource });
    opened.push(src);
    const dst = await registry.open(access(target), { readOnly: options.dryRun });
    opened.push(dst);
    const { db } = openDatabase(target.database);
    opened.push({ close: () => db.destroy() });
    const schemas = loadSchemaRegistry([...target.schemaDirs]);
    const manager = createSecretsManager({ provider: dst, naming: naming(target), schemas });
    let inspector: TargetInspector | undefined;
    if (options.dryRun && dstModule.inspector) {
      const look = await dstModule.inspector(target);
      opened.push(look);
      inspector = look;
    }
    const facts = (p: SecretsProvider, c: OmsmConfig, m: ProviderModule) => ({
      name: p.name,
      label: m.describe(c),
      inline: p.inline,
      recognizes: (s: string) => p.recognizes(s),
    });
    return {
      source: src,
      target: dst,
      holders: dbHolderSource({ store: new EntityStore(db) }),
      plan: {
        source: facts(src, source, srcModule),
        target: facts(dst, target, dstModule),
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
