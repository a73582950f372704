/**
 * @module ingestion/loaders/env
 *
 * The `env` loader (docs/contract.md#env-loader, for standalone ingestion containers): plain environment
 * variables `KUBERNETES_NAMESPACE`, `KUBERNETES_IN_CLUSTER`, `KUBERNETES_KUBECONFIG_PATH`.
 *
 * `KUBERNETES_IN_CLUSTER` is true only for `true` in any case, exactly like upstream's
 * `os.getenv(...).lower() == "true"`; anything else (`1`, `yes`) means false. We keep that rule so a
 * config that works upstream works here, but say so in a warning when the value looks like an
 * attempt at "true".
 */
import {
  type LoadedConnection,
  type LoaderContext,
  resolveContext,
  settingsConnection,
} from '../connection.js';

const NS = 'KUBERNETES_NAMESPACE';
const IN_CLUSTER = 'KUBERNETES_IN_CLUSTER';
const KUBECONFIG = 'KUBERNETES_KUBECONFIG_PATH';

/**
 * Reads the connection from the environment.
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG when KUBERNETES_NAMESPACE is not a valid namespace.
 * @example loadEnvConnection({ env: { KUBERNETES_NAMESPACE: 'prod' } }).connection.namespace === 'prod'
 */
export function loadEnvConnection(context: LoaderContext = {}): LoadedConnection {
  const ctx = resolveContext(context);
  const warnings: string[] = [];
  const rawInCluster = ctx.env[IN_CLUSTER];
  const inCluster = rawInCluster?.toLowerCase() === 'true';
  if (rawInCluster !== undefined && !inCluster && !/^(false)?$/i.test(rawInCluster)) {
    warnings.push(
      `${IN_CLUSTER} is "${rawInCluster.slice(0, 20)}": only "true" (any case) enables in-cluster mode`,
    );
  }
  return settingsConnection(
    'env',
    ctx,
    {
      inCluster,
      inClusterSetting: { value: rawInCluster, source: IN_CLUSTER },
      kubeconfig: { value: ctx.env[KUBECONFIG], source: KUBECONFIG },
      namespace: { value: ctx.env[NS], source: NS },
    },
    warnings,
  );
}
