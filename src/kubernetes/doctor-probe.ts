/**
 * @module kubernetes/doctor-probe
 *
 * The calls `omsm doctor` makes, as a port: SelfSubjectReview (authentication.k8s.io/v1) for the
 * identity and SelfSubjectAccessReview per verb, over the same kubeconfig loading the provider
 * uses, so doctor sees exactly what the server would. Methods throw what the client throws; the
 * checks (doctor.ts) map it with the one error mapper. Unit tests pass a fake.
 */
import { AuthenticationV1Api, AuthorizationV1Api } from '@kubernetes/client-node';
import { describeIdentity, type KubernetesConnection, loadKubeConfig } from './connect.js';

/** Who the API server says we are (SelfSubjectReview). */
export interface WhoAmI {
  readonly username: string;
  readonly groups: readonly string[];
}

export interface KubeProbe {
  /** Where requests go, for messages (the API server URL). */
  readonly server: string;
  /** How the kubeconfig authenticates, for messages (never a credential). */
  readonly identityHint: string;
  /** SelfSubjectReview. Throws the client's errors. */
  whoami(): Promise<WhoAmI>;
  /** SelfSubjectAccessReview on `secrets` in `namespace`. Throws the client's errors. */
  canI(
    namespace: string,
    verb: string,
  ): Promise<{ allowed: boolean; denied?: boolean; evaluationError?: string }>;
  close(): void;
}

/**
 * @throws OmsmError OMSM_ERR_KUBE_CONFIG when the connection settings cannot be loaded.
 */
export function createKubeProbe(connection: KubernetesConnection): KubeProbe {
  const kc = loadKubeConfig(connection);
  const authn = kc.makeApiClient(AuthenticationV1Api);
  const authz = kc.makeApiClient(AuthorizationV1Api);
  return {
    server: kc.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)',
    identityHint: describeIdentity(kc),
    async whoami() {
      const r = await authn.createSelfSubjectReview({
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      });
      return { username: r.status?.userInfo?.username ?? '', groups: r.status?.userInfo?.groups ?? [] };
    },
    async canI(namespace, verb) {
      const r = await authz.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { namespace, verb, group: '', resource: 'secrets' } },
        },
      });
      return {
        allowed: r.status?.allowed === true,
        denied: r.status?.denied,
        evaluationError: r.status?.evaluationError,
      };
    },
    close() {},
  };
}
