/**
 * @module kubernetes/secrets-api
 *
 * The narrow port the provider depends on: create, read, replace and
 * delete of Secrets in one namespace, plus the SelfSubjectAccessReview the start-up check needs.
 * No list, no patch: omsm's server Role (docs/contract.md#rbac) grants exactly create/get/update/delete.
 *
 * Methods throw what the client throws (client-node `ApiException`, or a Node transport error); the
 * provider maps them once with error-mapper.ts. The unit tests' fake throws real-shaped
 * ApiExceptions; integration tests use the client-node adapter below against kube-emulator.
 */
import { ApiException, AuthorizationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { invalidateFileTokens } from './connect.js';
import type { SecretObject } from './secret-format.js';
import { KeepAliveTransport, transportAuthentication } from './transport.js';

export interface CallOptions {
  /** Aborts the call. */
  readonly signal?: AbortSignal;
  /** Gives up on the call after this many ms (the per-attempt timeout), as a `TimeoutError`. */
  readonly timeoutMs?: number;
}

export interface SecretsApi {
  /** GET. Throws the client's 404 when absent. */
  read(namespace: string, name: string, options?: CallOptions): Promise<SecretObject>;
  /** POST. Throws 409 AlreadyExists when the name is taken. */
  create(namespace: string, body: SecretObject, options?: CallOptions): Promise<SecretObject>;
  /** PUT. With `metadata.resourceVersion` set it is conditional: a stale one throws 409 Conflict. */
  replace(namespace: string, name: string, body: SecretObject, options?: CallOptions): Promise<SecretObject>;
  /** DELETE, optionally only if the Secret still has `resourceVersion` (409 otherwise). */
  delete(
    namespace: string,
    name: string,
    precondition?: { resourceVersion?: string },
    options?: CallOptions,
  ): Promise<void>;
  /** Releases connections. */
  close(): void;
}

export interface AccessReview {
  readonly allowed: boolean;
  readonly denied?: boolean;
  readonly evaluationError?: string;
}

export interface AccessReviewApi {
  /** SelfSubjectAccessReview for `verb` on `secrets` in `namespace`. */
  canI(namespace: string, verb: string, options?: CallOptions): Promise<AccessReview>;
}

/**
 * The client-node implementation of both ports over one keep-alive transport.
 * A 401 when a token file is in use drops the cached token and retries once, so a rotated
 * ServiceAccount token is picked up immediately.
 */
export function createClientApis(
  kc: KubeConfig,
  options: { concurrency: number },
): { secrets: SecretsApi; reviews: AccessReviewApi } {
  const transport = KeepAliveTransport.supports(kc)
    ? new KeepAliveTransport(kc, Math.max(1, options.concurrency))
    : undefined;
  const core = kc.makeApiClient(CoreV1Api);
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const authMethods = transport ? { default: transportAuthentication(kc) } : undefined;
  const opts = (o?: CallOptions) => (transport ? { httpApi: transport.library(o), authMethods } : undefined);

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ApiException && err.code === 401 && invalidateFileTokens(kc)) return fn();
      throw err;
    }
  }

  const secrets: SecretsApi = {
    // client-node's V1Secret is structurally a SecretObject (timestamps parsed to Date).
    read: (namespace, name, o) =>
      call(() => core.readNamespacedSecret({ name, namespace }, opts(o))) as Promise<SecretObject>,
    create: (namespace, body, o) =>
      call(() =>
        core.createNamespacedSecret({ namespace, body: body as never }, opts(o)),
      ) as Promise<SecretObject>,
    replace: (namespace, name, body, o) =>
      call(() =>
        core.replaceNamespacedSecret({ name, namespace, body: body as never }, opts(o)),
      ) as Promise<SecretObject>,
    delete: async (namespace, name, precondition, o) => {
      await call(() =>
        core.deleteNamespacedSecret(
          {
            name,
            namespace,
            ...(precondition?.resourceVersion ? { body: { preconditions: precondition } } : {}),
          },
          opts(o),
        ),
      );
    },
    close: () => transport?.close(),
  };

  const reviews: AccessReviewApi = {
    canI: async (namespace, verb, o) => {
      const review = await call(() =>
        authz.createSelfSubjectAccessReview(
          {
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: { resourceAttributes: { namespace, verb, group: '', resource: 'secrets' } },
            },
          },
          opts(o),
        ),
      );
      return {
        allowed: review.status?.allowed === true,
        denied: review.status?.denied,
        evaluationError: review.status?.evaluationError,
      };
    },
  };
  return { secrets, reviews };
}
