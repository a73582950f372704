/**
 * @module ingestion/loaders/noop
 *
 * The `noop` loader (the default). Upstream crashes with the kubernetes provider and `noop`; omsm
 * reads it as "discover": in-cluster when the pod's ServiceAccount is mounted (token file plus
 * KUBERNETES_SERVICE_HOST), else the default kubeconfig (KUBECONFIG, then ~/.kube/config). The
 * namespace is the pod's namespace file, else `default`. Nothing is read from the environment
 * except what in-cluster mode itself needs.
 */
import {
  chooseNamespace,
  inClusterPrefix,
  type LoadedConnection,
  type LoaderContext,
  resolveContext,
  runningInCluster,
  serviceAccountDir,
} from '../connection.js';

/**
 * Discovers the connection.
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG when the pod's namespace file holds an invalid namespace.
 * @example loadNoopConnection({ root: '/nonexistent' }).connection.inCluster === false
 */
export function loadNoopConnection(context: LoaderContext = {}): LoadedConnection {
  const ctx = resolveContext(context);
  const inCluster = runningInCluster(ctx);
  const ns = chooseNamespace(undefined, 'namespace', ctx);
  return {
    loader: 'noop',
    connection: { inCluster, kubeconfigPath: '', namespace: ns.namespace, ...inClusterPrefix(ctx) },
    sources: {
      inCluster: inCluster
        ? `discovered (${serviceAccountDir(ctx)}/token and KUBERNETES_SERVICE_HOST)`
        : 'discovered (no pod ServiceAccount)',
      kubeconfigPath: inCluster ? 'not used in-cluster' : 'default kubeconfig',
      namespace: ns.source,
    },
    namespaceExplicit: false,
    warnings: [],
  };
}
