/**
 * @module ops/migrate/kube-inspector
 *
 * Dry-run's view of a kubernetes target: reads a Secret's metadata (one `get`, the verb the server
 * already has) and applies the provider's own ownership rule, so the plan shows the conflicts apply
 * would hit: an unmanaged Secret under the target name, or one recorded for another logical id (a
 * name collision). Never reads further than the labels and the id annotation.
 */
import { mapKubeError, ownershipProblem } from '../../kubernetes/index.js';
import type { SecretsApi } from '../../kubernetes/index.js';
import type { SecretId } from '../../core/naming/secret-name.js';
import type { TargetInspector } from './refine.js';

export function kubeInspector(secrets: SecretsApi, namespace: string, identity: string): TargetInspector {
  return {
    async ownershipProblem(id: SecretId) {
      try {
        const existing = await secrets.read(namespace, id.name);
        const why = ownershipProblem(existing, id.id);
        return why === undefined
          ? undefined
          : `Secret ${id.name} in namespace ${namespace} exists and ${why}`;
      } catch (err) {
        if ((err as { code?: unknown })?.code === 404) return undefined;
        throw mapKubeError(err, { verb: 'get', namespace, name: id.name, identity });
      }
    },
  };
}
