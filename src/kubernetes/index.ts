/**
 * @module kubernetes
 *
 * The kubernetes provider (`secretsManager: kubernetes`) and its parts. The rest of omsm reaches it
 * only through the provider module (`module.ts`), which `src/providers.ts` loads lazily; tests use
 * the exports below directly.
 *
 * @example
 * const provider = await createKubernetesProvider({
 *   connection: { inCluster: false, kubeconfigPath: '/etc/omsm/kubeconfig', namespace: 'openmetadata' },
 *   tags: { team: 'data' },
 * });
 * const ref = await provider.store(secretId(ctx, ['database', 'mysql', 'password']), value, { hint: 'new' });
 */
import type { BackendObserver } from '../core/providers/observer.js';
import { omsmError } from '../core/errors.js';
import { READ_VERBS, WRITE_VERBS, checkAccess } from './access-check.js';
import { describeIdentity, type KubernetesConnection, loadKubeConfig } from './connect.js';
import { KubernetesProvider } from './kubernetes-provider.js';
import { buildLabels } from './secret-format.js';
import { type AccessReviewApi, type SecretsApi, createClientApis } from './secrets-api.js';

export interface ProviderLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  debug?(o: object, msg?: string): void;
}

export interface KubernetesProviderOptions {
  readonly connection: KubernetesConnection;
  /** Labels added to every Secret (`secretsManagerConfiguration.tags`). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Refuse writes without a call (ingestion, resolvers). */
  readonly readOnly?: boolean;
  /** Budget for one operation including retries, ms. Default 30000. */
  readonly requestDeadlineMs?: number;
  /** API calls in flight at most. Default 32. */
  readonly concurrency?: number;
  /** What a failed start-up RBAC self-check does. Default `warn`. */
  readonly accessCheck?: 'fail' | 'warn' | 'off';
  readonly logger?: ProviderLogger;
  /** Told about every API call and retry (metrics). */
  readonly observer?: BackendObserver;
}

export const DEFAULT_REQUEST_DEADLINE_MS = 30_000;
export const DEFAULT_CONCURRENCY = 32;

/**
 * Connects, runs the access self-check, and returns the provider.
 * @throws OmsmError OMSM_ERR_KUBE_CONFIG (connection settings), OMSM_ERR_CONFIG_INVALID (tags),
 *   OMSM_ERR_KUBE_ACCESS (a verb is missing and `accessCheck` is `fail`).
 */
export async function createKubernetesProvider(
  options: KubernetesProviderOptions,
): Promise<KubernetesProvider> {
  const labels = buildLabels(options.tags ?? {});
  const kc = loadKubeConfig(options.connection);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const { secrets, reviews } = createClientApis(kc, { concurrency });
  return providerOver(secrets, reviews, { ...options, identity: describeIdentity(kc), labels });
}

/**
 * The provider over given ports (the client-node adapter, or a fake in unit tests), with the same
 * start-up check as `createKubernetesProvider`.
 * @throws OmsmError OMSM_ERR_KUBE_ACCESS as above.
 */
export async function providerOver(
  secrets: SecretsApi,
  reviews: AccessReviewApi | undefined,
  options: Omit<KubernetesProviderOptions, 'tags'> & {
    identity: string;
    labels: Readonly<Record<string, string>>;
    sleep?: (ms: number) => Promise<void>;
    random?: () => number;
  },
): Promise<KubernetesProvider> {
  const readOnly = options.readOnly ?? false;
  const requestDeadlineMs = options.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
  const namespace = options.connection.namespace;
  const provider = new KubernetesProvider(secrets, {
    namespace,
    labels: options.labels,
    readOnly,
    requestDeadlineMs,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    identity: options.identity,
    sleep: options.sleep,
    random: options.random,
    observer: options.observer,
  });
  const mode = options.accessCheck ?? 'warn';
  if (mode === 'off' || !reviews) return provider;
  const result = await checkAccess(reviews, {
    namespace,
    identity: options.identity,
    verbs: readOnly ? READ_VERBS : WRITE_VERBS,
    signal: AbortSignal.timeout(Math.ceil(requestDeadlineMs)),
  });
  provider.access = result;
  const log = { namespace, identity: options.identity, state: result.state, missing: result.missing };
  if (result.state === 'Ready') {
    options.logger?.info(log, result.message);
  } else if (result.state === 'Error' && mode === 'fail') {
    await provider.close();
    throw omsmError('OMSM_ERR_KUBE_ACCESS', `${result.message}:\n${result.fix ?? ''}`, {
      namespace,
      identity: options.identity,
      missing: result.missing,
    });
  } else {
    // Unknown never fails the start (the first call gives the precise 403), but is never "ok" either.
    options.logger?.warn(log, result.message);
  }
  return provider;
}

export type { KubernetesConnection } from './connect.js';
export { describeIdentity, loadKubeConfig, invalidateFileTokens } from './connect.js';
export {
  mapKubeError,
  isAlreadyExists,
  isStaleWrite,
  isRetryable,
  rbacFix,
  type ErrorContext,
  type KubeVerb,
} from './error-mapper.js';
export {
  checkAccess,
  roleManifest,
  READ_VERBS,
  WRITE_VERBS,
  type AccessCheckResult,
} from './access-check.js';
export { KubernetesProvider } from './kubernetes-provider.js';
export { createClientApis, type SecretsApi, type AccessReviewApi, type CallOptions } from './secrets-api.js';
export {
  ID_ANNOTATION,
  LABEL_MANAGED_BY,
  MANAGED_BY_VALUE,
  LABEL_APP,
  APP_VALUE,
  buildLabels,
  decodeValue,
  ownershipProblem,
  type SecretObject,
} from './secret-format.js';
