/**
 * @module ingestion/open-resolver
 *
 * The ingestion composition root: workflow settings + loader → a read-only provider → a resolver.
 *
 * Namespace precedence (highest first): `--namespace`; the workflow's `secretsManagerNamespace`
 * (written by omsm's server: it is where the server stored the Secrets); the loader's namespace
 * (KUBERNETES_NAMESPACE / airflow.cfg); the pod's namespace file; `default`. When the workflow and
 * an explicitly configured loader namespace disagree, the workflow wins and a warning names both,
 * because reading from the wrong namespace is upstream's silent failure (docs/contract.md#namespace-mismatch).
 *
 * `fernet:` tokens (what omsm's server writes into db-mode workflow configs) are opened with
 * FERNET_KEY — the same variable and the same default as the server's `fernetConfiguration`.
 *
 * The provider is opened through the provider registry (src/providers.ts), whose kubernetes module
 * (and @kubernetes/client-node under it) is imported only when needed, so `db` workflows and
 * `--help` stay light. A provider whose values are inline (db) needs no connection at all.
 */
import { PARAMETER_DEFAULTS, UPSTREAM_DEFAULT_FERNET_KEY } from '../core/config/config-defaults.js';
import { createDbProvider } from '../core/providers/db-provider.js';
import { providerRegistry } from '../providers.js';
import {
  type KubernetesConnection,
  type LoadedConnection,
  type LoaderContext,
  resolveContext,
} from './connection.js';
import { loadConnection } from './loaders/registry.js';
import { SecretResolver } from './resolver.js';
import type { WorkflowSecretsSettings } from './workflow-settings.js';

export interface OpenResolverOptions {
  /** Environment, filesystem root and home directory the loaders see (tests). */
  readonly context?: LoaderContext;
  /** Parallel reads at most (default 16). */
  readonly concurrency?: number;
  /** In-process cache TTL in ms; 0 (default) = off. */
  readonly cacheTtlMs?: number;
  /** Budget for one read including retries, ms (the provider's default is 30 s). */
  readonly requestDeadlineMs?: number;
}

export interface OpenedResolver {
  readonly resolver: SecretResolver;
  readonly settings: WorkflowSecretsSettings;
  /** The loader's result (kubernetes only). */
  readonly loaded?: LoadedConnection;
  /** The connection actually opened (kubernetes only), with the final namespace. */
  readonly connection?: KubernetesConnection;
  readonly namespace: string;
  readonly namespaceSource: string;
  /** Loader warnings plus a namespace mismatch, if any. Safe to print. */
  readonly warnings: readonly string[];
}

/**
 * Opens the resolver a workflow needs. The provider is opened read-only (writes throw without a
 * call) and without the start-up access review: the first `get` gives the precise 403 anyway.
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG (loader settings), OMSM_ERR_KUBE_CONFIG (connection).
 */
export async function openResolver(
  settings: WorkflowSecretsSettings,
  options: OpenResolverOptions = {},
): Promise<OpenedResolver> {
  const env = resolveContext(options.context).env;
  // omsm's server puts db-mode values in workflow configs as the `fernet:` tokens it stores; they
  // open with the server's key: FERNET_KEY, defaulting like the server's config to upstream's key.
  const decryptor = () =>
    createDbProvider({ fernetKey: env.FERNET_KEY || UPSTREAM_DEFAULT_FERNET_KEY, readOnly: true });
  const tuning = { concurrency: options.concurrency, cacheTtlMs: options.cacheTtlMs, decryptor };
  const registry = providerRegistry();
  const module = await registry.module(settings.provider);
  if (module.inline) {
    return {
      resolver: new SecretResolver({
        provider: null,
        providerName: module.name,
        namespace: `(none: ${module.name})`,
        ...tuning,
      }),
      settings,
      namespace: `(none: ${module.name})`,
      namespaceSource: `${module.name} keeps values inline`,
      warnings: [],
    };
  }
  const loaded = loadConnection(settings.loader, options.context);
  const warnings = [...loaded.warnings];
  let namespace = loaded.connection.namespace;
  let namespaceSource = loaded.sources.namespace;
  if (settings.namespace !== undefined) {
    if (loaded.namespaceExplicit && loaded.connection.namespace !== settings.namespace) {
      warnings.push(
        `the workflow says namespace "${settings.namespace}" (${settings.sources.namespace}) but the ${settings.loader} loader says "${loaded.connection.namespace}" (${loaded.sources.namespace}); using "${settings.namespace}"`,
      );
    }
    namespace = settings.namespace;
    namespaceSource = settings.sources.namespace!;
  }
  const connection: KubernetesConnection = { ...loaded.connection, namespace };
  const provider = await module.open(
    {
      secretsManagerConfiguration: {
        secretsManager: module.name,
        prefix: '',
        tags: {},
        parameters: {
          inCluster: connection.inCluster,
          kubeconfigPath: connection.kubeconfigPath,
          namespace,
          accessCheck: 'off',
          requestDeadlineMs: options.requestDeadlineMs ?? PARAMETER_DEFAULTS.requestDeadlineMs,
          concurrency: PARAMETER_DEFAULTS.concurrency,
        },
      },
      fernetConfiguration: { fernetKey: env.FERNET_KEY || UPSTREAM_DEFAULT_FERNET_KEY },
    },
    {
      readOnly: true,
      ...(connection.inClusterPrefix === undefined ? {} : { inClusterPrefix: connection.inClusterPrefix }),
    },
  );
  return {
    resolver: new SecretResolver({ provider, providerName: module.name, namespace, ...tuning }),
    settings,
    loaded,
    connection,
    namespace,
    namespaceSource,
    warnings,
  };
}
