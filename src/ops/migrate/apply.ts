/**
 * @module ops/migrate/apply
 *
 * Applying the plan of one entity. For each field to migrate: read the value from the source,
 * write the target (hint `new`: a migration mostly creates), read it back and compare, and only
 * then rewrite the database field, conditionally on it still holding the old stored form (a
 * Fernet-wrapped reference is not written, but its Secret is read back all the same). The
 * order is what makes a crash at any point safe: before the rewrite the database still points at
 * the source (a re-run writes the same target again, which the provider turns into no write since
 * the value is unchanged); after it, the field is in the target form and a re-run sees "already
 * there". Nothing is lost and nothing is written twice.
 *
 * Source secrets are deleted (`--delete-source`) only after the rewrite is confirmed. Everything is
 * reported per item; nothing here throws for one item's failure.
 */
import { asOmsmError, omsmError } from '../../core/errors.js';
import { isReference } from '../../core/naming/reference.js';
import type { SecretsProvider } from '../../core/providers/provider.js';
import type {
  ChangeOutcome,
  FieldChange,
  ItemResult,
  Outcome,
  PlannedField,
  SecretHolder,
  SecretHolderSource,
} from './migrate-types.js';

export interface ApplyDeps {
  readonly source: SecretsProvider;
  readonly target: SecretsProvider;
  readonly holders: SecretHolderSource;
  readonly deleteSource: boolean;
  /** Awaited before every target write (the rate limiter). */
  readonly beforeWrite: () => Promise<void>;
}

/** A short, value-free reason for an error: the catalogue code and message, or the class name. */
export function reasonOf(err: unknown): string {
  const known = asOmsmError(err);
  if (known) return `${known.code}: ${known.message}`;
  return `unexpected ${err instanceof Error ? err.name : typeof err}`;
}

interface FieldStep {
  readonly field: PlannedField;
  outcome: Outcome;
  reason?: string;
  change?: FieldChange;
  /** The source may be deleted once the database no longer needs it. */
  deletable: boolean;
}

/**
 * The read-back every target passes before a row is rewritten to point at it: the stored form must
 * resolve in the target, to `expected` when the value was just written (any value when the row is
 * only unwrapped to an existing reference). Returns the failure reason, or undefined when it holds.
 * A read that throws propagates and fails the item the same way: the row is left alone.
 */
async function readBack(
  target: SecretsProvider,
  stored: string,
  expected: string | undefined,
): Promise<string | undefined> {
  const back = await target.get(stored);
  if (back !== undefined && (expected === undefined || back === expected)) return undefined;
  const what =
    back === undefined
      ? `the target holds no value behind ${stored.startsWith('secret:') ? stored : 'the stored form'}`
      : 'the value read back differs from the source';
  return reasonOf(omsmError('OMSM_ERR_MIGRATE_VERIFY', `${what}; the field was not rewritten`));
}

const STATIC: Record<string, Outcome> = {
  'already-there': 'already-there',
  skip: 'skipped',
  conflict: 'conflict',
  foreign: 'foreign',
};

async function moveField(f: PlannedField, deps: ApplyDeps): Promise<FieldStep> {
  const step: FieldStep = { field: f, outcome: 'failed', deletable: false };
  if (f.item.status !== 'migrate') {
    step.outcome = STATIC[f.item.status] ?? 'skipped';
    return step;
  }
  const { source, target } = deps;
  try {
    const value = await source.get(f.sourceStored);
    if (f.check === 'compare') {
      // Same reference in both: the target's content says whether this field is done.
      const current = await target.get(f.sourceStored);
      if (value === undefined) {
        if (current !== undefined) step.outcome = 'already-there';
        else step.reason = 'the Secret is missing in both source and target';
        return step;
      }
      if (current === value) {
        step.outcome = 'already-there';
        step.deletable = true;
        return step;
      }
    }
    if (value === undefined) {
      step.reason = `the source secret ${f.item.source.name ?? ''} is missing`.replace('  ', ' ');
      return step;
    }
    let next: string;
    if (isReference(value) && target.recognizes(value)) {
      // Upstream keeps references Fernet-wrapped in the database: unwrap, there is nothing to copy.
      // The row will point at that Secret, so it must be there (read back like a written value).
      next = value;
      const problem = await readBack(target, next, undefined);
      if (problem) {
        step.reason = problem;
        return step;
      }
    } else {
      await deps.beforeWrite();
      next = await target.store(f.targetId, value, { hint: 'new' });
      const problem = await readBack(target, next, value);
      if (problem) {
        step.reason = problem;
        return step;
      }
    }
    step.outcome = 'migrated';
    step.deletable = true;
    if (next !== f.sourceStored) step.change = { path: f.docPath, expected: f.sourceStored, next };
  } catch (err) {
    step.outcome = asOmsmError(err)?.code === 'OMSM_ERR_SECRET_NOT_OURS' ? 'conflict' : 'failed';
    step.reason = reasonOf(err);
  }
  return step;
}

function applyOutcome(step: FieldStep, outcome: ChangeOutcome): void {
  if (outcome === 'updated') return;
  if (outcome === 'already') {
    step.outcome = 'already-there';
    return;
  }
  step.deletable = false;
  if (outcome === 'changed') {
    step.outcome = 'conflict';
    step.reason = 'the field was changed by someone else during the migration; run it again';
  } else {
    step.outcome = 'skipped';
    step.reason = 'the entity was deleted during the migration';
  }
}

/**
 * Applies the planned fields of one holder and reports one result per field.
 * Never throws for an item; a database failure marks that entity's pending items failed.
 */
export async function applyHolder(
  holder: SecretHolder,
  fields: readonly PlannedField[],
  deps: ApplyDeps,
): Promise<ItemResult[]> {
  const steps = await Promise.all(fields.map((f) => moveField(f, deps)));
  const pending = steps.filter((s) => s.change !== undefined);
  if (pending.length > 0) {
    try {
      const outcomes = await deps.holders.rewrite(
        holder,
        pending.map((s) => s.change!),
      );
      for (const [i, s] of pending.entries()) applyOutcome(s, outcomes[i] ?? 'changed');
    } catch (err) {
      for (const s of pending) {
        s.outcome = 'failed';
        s.reason = `the target was written but the database field was not rewritten (${reasonOf(err)}); run again`;
        s.deletable = false;
      }
    }
  }
  const results: ItemResult[] = [];
  for (const s of steps) {
    let sourceDeleted: boolean | string | undefined;
    if (deps.deleteSource && s.deletable && !deps.source.inline) {
      try {
        await deps.source.delete(s.field.sourceStored, s.field.sourceId);
        sourceDeleted = true;
      } catch (err) {
        sourceDeleted = `kept: ${reasonOf(err)}`;
      }
    }
    const { reason: planReason, ...item } = s.field.item;
    const reason =
      s.reason ??
      (s.outcome === 'skipped' || s.outcome === 'conflict' || s.outcome === 'foreign'
        ? planReason
        : undefined);
    results.push({
      ...item,
      outcome: s.outcome,
      ...(reason === undefined ? {} : { reason }),
      ...(sourceDeleted === undefined ? {} : { sourceDeleted }),
    });
  }
  return results;
}
