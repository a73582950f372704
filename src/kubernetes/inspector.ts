/**
 * @module kubernetes/inspector
 *
 * The kubernetes module's store inspector, for migrate's dry-run and orphan reports:
 * - `ownershipProblem` reads one Secret's metadata (`get`, the verb the server already has) and
 *   applies the provider's own ownership rule, so a plan shows the conflicts apply would hit: an
 *   unmanaged Secret under the target name, or one recorded for another logical id;
 * - `list` lists the namespace page by page (names, labels, annotations, creation time; the data
 *   is dropped as soon as a page arrives). The only place omsm uses the `list` verb.
 * Client errors go through the one mapper, with the verb the call used.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { omsmError } from '../core/errors.js';
import type { SecretId } from '../core/naming/secret-name.js';
import type { StoreEntry, StoreInspector } from '../core/providers/module.js';
import { describeIdentity, type KubernetesConnection, loadKubeConfig } from './connect.js';
import { mapKubeError } from './error-mapper.js';
import { ownershipProblem } from './secret-format.js';
import { createClientApis } from './secrets-api.js';

/**
 * @throws OmsmError OMSM_ERR_KUBE_CONFIG when the connection settings cannot be loaded.
 */
export function kubernetesInspector(
  connection: KubernetesConnection,
  options: { readonly concurrency: number },
): StoreInspector {
  const kc = loadKubeConfig(connection);
  const namespace = connection.namespace;
  const identity = describeIdentity(kc);
  const { secrets } = createClientApis(kc, options);
  return {
    where: `namespace ${namespace}`,
    async ownershipProblem(id: SecretId) {
      try {
        const existing = await secrets.read(namespace, id.name);
        const why = ownershipProblem(existing, id.id);
        return why === undefined
          ? undefined
          : `Secret ${id.name} in namespace ${namespace} exists and ${why}`;
      } catch (err) {
        const e = mapKubeError(err, { verb: 'get', namespace, name: id.name, identity });
        if (e.code === 'OMSM_ERR_SECRET_NOT_FOUND') return undefined;
        throw e;
      }
    },
    async list(configPath: string): Promise<StoreEntry[]> {
      const api = kc.makeApiClient(CoreV1Api);
      const out: StoreEntry[] = [];
      let next: string | undefined;
      do {
        let page: Awaited<ReturnType<CoreV1Api['listNamespacedSecret']>>;
        try {
          page = await api.listNamespacedSecret({
            namespace,
            limit: 500,
            ...(next ? { _continue: next } : {}),
          });
        } catch (err) {
          const e = mapKubeError(err, { verb: 'list', namespace, identity });
          if (e.code === 'OMSM_ERR_SECRET_FORBIDDEN') {
            throw omsmError(
              'OMSM_ERR_KUBE_ACCESS',
              `${identity} may not list Secrets in namespace "${namespace}": orphan reports need the list verb, which the server's Role leaves out on purpose. Grant it with: omsm rbac -c ${configPath} --with-list | kubectl apply -f -`,
              { namespace, verb: 'list', identity },
              e,
            );
          }
          throw e;
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
    },
    async close() {
      secrets.close();
    },
  };
}
