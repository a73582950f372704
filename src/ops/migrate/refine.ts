/**
 * @module ops/migrate/refine
 *
 * What only the target can tell, for `--dry-run`: whether a target name is taken by a Secret omsm
 * may not overwrite (unmanaged, or recorded for another logical id: the name collisions upstream
 * silently overwrites), and whether a same-named `secret:` reference already holds the source's
 * value in the target. Reads only; never writes, never returns a value.
 *
 * Apply does not need this pass: the provider's `store` enforces the same ownership rules and the
 * result is reported as a conflict there, which saves a read per secret.
 */
import type { SecretId } from '../../core/naming/secret-name.js';
import type { SecretsProvider } from '../../core/providers/provider.js';
import { reasonOf } from './apply.js';
import type { PlannedField } from './migrate-types.js';

/** Reads a target Secret's ownership: undefined when absent or ours for `id`, else why not. */
export interface TargetInspector {
  ownershipProblem(id: SecretId): Promise<string | undefined>;
}

function withStatus(f: PlannedField, status: PlannedField['item']['status'], reason?: string): PlannedField {
  const { reason: _old, ...item } = f.item;
  return { ...f, item: { ...item, status, ...(reason === undefined ? {} : { reason }) } };
}

/**
 * The plan line as apply would find it, using reads only. Read errors are reported in `reason`
 * with the status left as planned.
 */
export async function refineField(
  f: PlannedField,
  source: SecretsProvider,
  target: SecretsProvider,
  inspector: TargetInspector | undefined,
): Promise<PlannedField> {
  if (f.item.status !== 'migrate') return f;
  try {
    if (f.check === 'compare') {
      const [value, current] = await Promise.all([source.get(f.sourceStored), target.get(f.sourceStored)]);
      if (current !== undefined && (value === undefined || value === current))
        return withStatus(f, 'already-there');
    }
    if (inspector && !target.inline) {
      const problem = await inspector.ownershipProblem(f.targetId);
      if (problem !== undefined) return withStatus(f, 'conflict', problem);
    }
    return f.check === 'compare' ? withStatus(f, 'migrate') : f;
  } catch (err) {
    return withStatus(f, f.item.status, `could not check the target: ${reasonOf(err)}`);
  }
}
