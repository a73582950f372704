/**
 * @module ops/orphans/list-secrets
 *
 * Lists a namespace's Secrets (names, labels, annotations, creation time; the data is dropped as
 * soon as a page arrives), page by page. The only place omsm uses the `list` verb.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { omsmError } from '../../core/errors.js';
import {
  describeIdentity,
  type KubernetesConnection,
  loadKubeConfig,
  mapKubeError,
} from '../../kubernetes/index.js';
import type { ListedSecret } from './find-orphans.js';

/**
 * @throws OmsmError OMSM_ERR_KUBE_ACCESS when `list` is not allowed (names `omsm rbac --with-list`);
 *   OMSM_ERR_KUBE_CONFIG; SECRET_UNAVAILABLE/UNAUTHORIZED from the mapper.
 */
export async function listSecrets(
  connection: KubernetesConnection,
  configPath: string,
): Promise<ListedSecret[]> {
  const kc = loadKubeConfig(connection);
  const api = kc.makeApiClient(CoreV1Api);
  const namespace = connection.namespace;
  const out: ListedSecret[] = [];
  let next: string | undefined;
  do {
    let page: Awaited<ReturnType<CoreV1Api['listNamespacedSecret']>>;
    try {
      page = await api.listNamespacedSecret({ namespace, limit: 500, ...(next ? { _continue: next } : {}) });
    } catch (err) {
      const identity = describeIdentity(kc);
      if ((err as { code?: unknown })?.code === 403) {
        throw omsmError(
          'OMSM_ERR_KUBE_ACCESS',
          `${identity} may not list Secrets in namespace "${namespace}": orphan reports need the list verb, which the seed's Role leaves out on purpose. Grant it with: omsm rbac -c ${configPath} --with-list | kubectl apply -f -`,
          { namespace, verb: 'list', identity },
          err,
        );
      }
      throw mapKubeError(err, { verb: 'get', namespace, identity });
    }
    for (const s of page.items) {
      const created = s.metadata?.creationTimestamp;
      out.push({
        name: s.metadata?.name ?? '',
        labels: s.metadata?.labels ?? {},
        annotations: s.metadata?.annotations ?? {},
        ...(created ? { created: new Date(created).getTime() } : {}),
      });
    }
    next = page.metadata?._continue || undefined;
  } while (next);
  return out;
}
