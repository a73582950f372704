/**
 * @module ops/migrate/migrate-types
 *
 * The shapes of a migration: the port to the entity database (`SecretHolderSource`), plan items
 * (serializable, never a value), per-item results and the report.
 *
 * A plan item is one password field of one entity. Its status says what apply will do:
 * - `migrate`: the field holds the source's stored form; apply writes the target, reads it back,
 *   then rewrites the field (conditionally on it still holding the old stored form).
 * - `already-there`: the field already holds the target's form (or the target already holds the
 *   same value under the same reference); nothing to do.
 * - `skip`: nothing to move (a stored form neither provider reads), with the reason.
 * - `conflict`: the target name is taken by a Secret omsm may not overwrite (unmanaged, or
 *   recorded for another logical id), with the reason. Apply leaves the field alone.
 * - `foreign`: the field holds a `secret:` reference that is not the field's own Secret (neither
 *   the name omsm derives for that entity and field in the source nor in the target), the
 *   confused deputy of SECURITY.md. It is reported and never carried over: nothing is read
 *   through it, nothing written, and the row keeps it until someone fixes the entity.
 */
import type { SecretId } from '../../core/naming/secret-name.js';
import type { FieldPath } from '../../core/secrets/secrets-manager-types.js';

/**
 * Entity types the report counts by: the kinds registry's migration groups (upstream's order:
 * services, bots, pipelines, workflows).
 */
export { ENTITY_GROUPS as ENTITY_TYPES, type EntityGroup as EntityType } from '../../domain/kinds.js';
/** One entity row as the migration sees it: the domain's one secret-holder view. */
export type { SecretHolder, SecretSlotConfig } from '../../domain/secret-holders.js';
import type { EntityGroup as EntityType } from '../../domain/kinds.js';
import type { SecretHolder } from '../../domain/secret-holders.js';

/** One field rewrite: set `path` (in the entity document) to `next` if it still holds `expected`. */
export interface FieldChange {
  readonly path: FieldPath;
  readonly expected: string;
  readonly next: string;
}

/** Per change: `updated` now, `already` (it held `next`), `changed` (someone else wrote it), `gone` (entity deleted). */
export type ChangeOutcome = 'updated' | 'already' | 'changed' | 'gone';

/** The port to the entity database. The server's repository is adapted to it (holders-db.ts). */
export interface SecretHolderSource {
  /** Every holder, a page at a time, in a stable order (memory stays flat in the row count). */
  pages(pageSize: number): AsyncIterable<readonly SecretHolder[]>;
  /** How many entities `pages` will yield (for progress); undefined when unknown. */
  count?(): Promise<number | undefined>;
  /**
   * Applies the changes to one entity atomically, each only if its field still holds `expected`
   * (the row version is checked; a stale version is re-read and re-checked).
   * @throws OmsmError DB_UNAVAILABLE.
   */
  rewrite(holder: SecretHolder, changes: readonly FieldChange[]): Promise<ChangeOutcome[]>;
  close?(): Promise<void>;
}

export type StoredKind = 'fernet' | 'reference' | 'plain';
export type PlanStatus = 'migrate' | 'already-there' | 'skip' | 'conflict' | 'foreign';

/** A serializable plan line. Holds names and kinds, never a value or a Fernet token. */
export interface PlanItem {
  readonly entityType: EntityType;
  readonly entityKind: string;
  readonly entityId: string;
  readonly entityName: string;
  /** Dotted path of the field in the entity document. */
  readonly field: string;
  /** The source stored form's kind; `name` for a `secret:` reference. */
  readonly source: { readonly kind: StoredKind; readonly name?: string };
  /** The target Secret name (external targets) or `fernet` (db). */
  readonly target: string;
  readonly status: PlanStatus;
  readonly reason?: string;
}

/**
 * A plan item with what apply needs and the plan output must not show. `check` marks items whose
 * status depends on the target's current content (both forms `secret:` and the same name).
 */
export interface PlannedField {
  readonly item: PlanItem;
  readonly docPath: FieldPath;
  readonly sourceStored: string;
  readonly targetId: SecretId;
  readonly sourceId: SecretId;
  readonly check?: 'compare';
}

export type Outcome = 'migrated' | 'already-there' | 'skipped' | 'conflict' | 'foreign' | 'failed';

export interface ItemResult extends PlanItem {
  readonly outcome: Outcome;
  /** For `--delete-source`: whether the source secret was deleted, or why not. */
  readonly sourceDeleted?: boolean | string;
}

export type Counts = Record<Outcome, number>;

export interface MigrationReport {
  readonly dryRun: boolean;
  readonly source: string;
  readonly target: string;
  readonly entities: number;
  readonly byType: Record<EntityType, Counts>;
  readonly totals: Counts;
  /** Every failed, conflicting or foreign item, with its reason (names only). */
  readonly problems: readonly ItemResult[];
  /** Problems beyond the first 1,000, counted but not listed. */
  readonly problemsOmitted?: number;
  /** 0 all done, 1 failed, 3 partial. */
  readonly exitCode: 0 | 1 | 3;
}

export function emptyCounts(): Counts {
  return { migrated: 0, 'already-there': 0, skipped: 0, conflict: 0, foreign: 0, failed: 0 };
}
