/**
 * @module ops/migrate/run-migration
 *
 * The migration loop: stream holders a page at a time, plan each (pure), then refine (dry-run) or
 * apply it, with bounded concurrency and a write rate limit. At most two pages are in memory, and
 * results are counted as they come (only failures and conflicts are kept, for the report), so
 * memory stays flat in the number of secrets.
 */
import pLimit from 'p-limit';
import { type OmsmError, omsmError } from '../../core/errors.js';
import type { SecretsProvider } from '../../core/providers/provider.js';
import { applyHolder, reasonOf } from './apply.js';
import {
  type Counts,
  ENTITY_TYPES,
  type EntityType,
  emptyCounts,
  type ItemResult,
  type MigrationReport,
  type Outcome,
  type PlanItem,
  type SecretHolder,
  type SecretHolderSource,
} from './migrate-types.js';
import { type PlanContext, planHolder } from './plan.js';
import { createRateLimiter } from './rate-limiter.js';
import { refineField, type TargetInspector } from './refine.js';

/** Receives progress as it happens (the CLI draws a bar or prints lines). */
export interface ProgressSink {
  start(totalEntities: number | undefined): void;
  entityDone(results: readonly ItemResult[]): void;
  end(): void;
}

export interface MigrationOptions {
  readonly holders: SecretHolderSource;
  readonly source: SecretsProvider;
  readonly target: SecretsProvider;
  readonly plan: PlanContext;
  readonly dryRun?: boolean;
  readonly deleteSource?: boolean;
  /** Entities worked on at once (default 32). */
  readonly concurrency?: number;
  /** Target writes per second (default 500; 0 unlimited). */
  readonly rate?: number;
  readonly pageSize?: number;
  /** Dry-run: target ownership reads (conflict detection). */
  readonly inspector?: TargetInspector;
  /** Dry-run: every plan line as it is decided (streamed; the plan is never held whole). */
  readonly onPlanItem?: (item: PlanItem) => void;
  readonly progress?: ProgressSink;
}

/** Failed/conflicting items kept for the report; beyond this only counted. */
export const MAX_PROBLEMS = 1000;

const PLAN_OUTCOME: Record<PlanItem['status'], Outcome> = {
  migrate: 'migrated',
  'already-there': 'already-there',
  skip: 'skipped',
  conflict: 'conflict',
  foreign: 'foreign',
};

/**
 * 0 when nothing failed, conflicted or was refused as foreign; 3 when some did and others
 * succeeded; 1 when none succeeded.
 */
export function exitCodeFor(totals: Counts): 0 | 1 | 3 {
  const problems = totals.failed + totals.conflict + totals.foreign;
  if (problems === 0) return 0;
  return totals.migrated + totals['already-there'] > 0 ? 3 : 1;
}

function planFailure(holder: SecretHolder, err: unknown): ItemResult {
  return {
    entityType: holder.group,
    entityKind: holder.kind,
    entityId: holder.id,
    entityName: holder.name,
    field: '(entity)',
    source: { kind: 'plain' },
    target: '',
    status: 'skip',
    outcome: 'failed',
    reason: `could not plan this entity: ${reasonOf(err)}`,
  };
}

/**
 * The refusal for a target whose values do not outlive this process (`durable` false: in-memory),
 * or undefined for a durable one. Applying to such a target would rewrite every row to a reference
 * into a store that is gone when the command exits. The dry run reports it; apply throws it.
 */
export function nonDurableTarget(target: SecretsProvider, label: string): OmsmError | undefined {
  if (target.durable) return undefined;
  return omsmError(
    'OMSM_ERR_MIGRATE_TARGET_NOT_DURABLE',
    `the target ${label} keeps nothing after this process exits; migrating to it would leave the database pointing at secrets that no longer exist, so nothing was changed`,
    { path: 'secretsManagerConfiguration.secretsManager' },
  );
}

/**
 * Runs (or, with `dryRun`, plans) a migration and returns the report. Item failures are reported,
 * not thrown.
 * @throws OmsmError OMSM_ERR_MIGRATE_TARGET_NOT_DURABLE before anything is read or written (apply
 *   only); when the entity database cannot be read (DB_UNAVAILABLE), items already applied stay
 *   applied, and a re-run continues.
 */
export async function runMigration(opts: MigrationOptions): Promise<MigrationReport> {
  const dryRun = opts.dryRun === true;
  const refusal = dryRun ? undefined : nonDurableTarget(opts.target, opts.plan.target.label);
  if (refusal) throw refusal;
  const limit = pLimit(Math.max(1, opts.concurrency ?? 32));
  const rate = createRateLimiter(opts.rate ?? 500);
  const byType = Object.fromEntries(ENTITY_TYPES.map((t) => [t, emptyCounts()])) as Record<
    EntityType,
    Counts
  >;
  const totals = emptyCounts();
  const problems: ItemResult[] = [];
  let entities = 0;
  let problemsOmitted = 0;

  const record = (results: readonly ItemResult[]): void => {
    for (const r of results) {
      byType[r.entityType][r.outcome]++;
      totals[r.outcome]++;
      if (r.outcome === 'failed' || r.outcome === 'conflict' || r.outcome === 'foreign') {
        // Bounded, so memory stays flat even when every item fails (the counts stay exact).
        if (problems.length < MAX_PROBLEMS) problems.push(r);
        else problemsOmitted++;
      }
    }
    opts.progress?.entityDone(results);
  };

  const handle = async (holder: SecretHolder): Promise<void> => {
    let fields: ReturnType<typeof planHolder>;
    try {
      fields = planHolder(holder, opts.plan);
    } catch (err) {
      record([planFailure(holder, err)]);
      return;
    }
    if (dryRun) {
      const refined = await Promise.all(
        fields.map((f) => refineField(f, opts.source, opts.target, opts.inspector)),
      );
      for (const f of refined) opts.onPlanItem?.(f.item);
      record(refined.map((f) => ({ ...f.item, outcome: PLAN_OUTCOME[f.item.status] })));
      return;
    }
    record(
      await applyHolder(holder, fields, {
        source: opts.source,
        target: opts.target,
        holders: opts.holders,
        deleteSource: opts.deleteSource === true,
        beforeWrite: () => rate.take(),
      }),
    );
  };

  opts.progress?.start(await opts.holders.count?.());
  try {
    let previous: Promise<unknown> = Promise.resolve();
    for await (const page of opts.holders.pages(opts.pageSize ?? 200)) {
      entities += page.length;
      const current = Promise.all(page.map((h) => limit(() => handle(h))));
      // Keep the next page loading while this one runs, but never more than two in memory.
      await previous;
      previous = current;
    }
    await previous;
  } finally {
    opts.progress?.end();
  }
  return {
    dryRun,
    source: opts.plan.source.label,
    target: opts.plan.target.label,
    entities,
    byType,
    totals,
    problems,
    ...(problemsOmitted > 0 ? { problemsOmitted } : {}),
    exitCode: exitCodeFor(totals),
  };
}
