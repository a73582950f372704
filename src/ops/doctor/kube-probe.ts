/**
 * @module ops/doctor/kube-probe
 *
 * The client-node implementation of doctor's `KubeProbe`: SelfSubjectReview (authentication.k8s.io/v1)
 * for the identity and SelfSubjectAccessReview per verb, over the same kubeconfig loading the
 * kubernetes provider uses, so doctor sees exactly what the server would.
 */
import { AuthenticationV1Api, AuthorizationV1Api } from '@kubernetes/client-node';
import { describeIdentity, type KubernetesConnection, loadKubeConfig } from '../../kubernetes/index.js';
import type { KubeProbe } from './doctor-types.js';

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
