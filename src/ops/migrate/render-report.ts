/**
 * @module ops/migrate/render-report
 *
 * The migration report and plan lines as text or JSON. Names, kinds and counts only.
 */
import { type Counts, ENTITY_TYPES, type MigrationReport, type PlanItem } from './migrate-types.js';

/** Problems listed one by one in the text report; the rest are grouped by reason. */
const SHOWN = 20;

/** One plan line: status, entity, field, source kind and target name. */
export function planLine(i: PlanItem): string {
  const src = i.source.kind === 'reference' ? `secret:${i.source.name ?? '?'}` : i.source.kind;
  const why = i.reason ? `  (${i.reason})` : '';
  return `${i.status.padEnd(13)} ${i.entityType.padEnd(8)} ${i.entityKind}/${i.entityName}  ${i.field}  ${src} -> ${i.target}${why}`;
}

/** What the text verdict must add: apply would be refused (the target is not durable). */
export interface ReportNotes {
  readonly applyRefused?: string;
}

/**
 * The report as the JSON object `--output json` prints. A dry run moved nothing, so its counts say
 * `would-migrate` where an apply says `migrated`; the other keys are the same in both.
 */
export function reportJson(r: MigrationReport): Record<string, unknown> {
  if (!r.dryRun) return { ...r };
  const planned = ({ migrated, ...rest }: Counts) => ({ 'would-migrate': migrated, ...rest });
  return {
    ...r,
    byType: Object.fromEntries(ENTITY_TYPES.map((t) => [t, planned(r.byType[t])])),
    totals: planned(r.totals),
  };
}

export function renderReportText(r: MigrationReport, notes: ReportNotes = {}): string {
  const head = r.dryRun ? 'Plan (dry run, nothing changed)' : 'Migration report';
  const cols = r.dryRun
    ? ['would migrate', 'already there', 'skipped', 'conflict', 'foreign', 'failed']
    : ['migrated', 'already there', 'skipped', 'conflict', 'foreign', 'failed'];
  const keys = ['migrated', 'already-there', 'skipped', 'conflict', 'foreign', 'failed'] as const;
  const lines = [`${head}: ${r.source} -> ${r.target}, ${r.entities} entities scanned`];
  lines.push(`  ${'type'.padEnd(10)}${cols.map((c) => c.padStart(15)).join('')}`);
  for (const t of ENTITY_TYPES) {
    lines.push(`  ${t.padEnd(10)}${keys.map((k) => String(r.byType[t][k]).padStart(15)).join('')}`);
  }
  lines.push(`  ${'total'.padEnd(10)}${keys.map((k) => String(r.totals[k]).padStart(15)).join('')}`);
  if (r.problems.length > 0) {
    lines.push('Problems:');
    for (const p of r.problems.slice(0, SHOWN)) {
      lines.push(
        `  ${p.outcome.padEnd(8)} ${p.entityKind}/${p.entityName} ${p.field} -> ${p.target}: ${p.reason ?? ''}`,
      );
    }
    const rest = r.problems.length - Math.min(SHOWN, r.problems.length) + (r.problemsOmitted ?? 0);
    if (rest > 0) {
      // The same cause usually fails everything (a missing verb, an unreachable server): group it,
      // with the names in each reason blanked so equal causes count together.
      const byReason = new Map<string, number>();
      for (const p of r.problems.slice(SHOWN)) {
        const key = (p.reason ?? '').replace(/"[^"]*"|[a-z0-9]+(-[a-z0-9]+){2,}/g, '…');
        byReason.set(key, (byReason.get(key) ?? 0) + 1);
      }
      lines.push(`  ... and ${rest} more (all of them with -o json), by reason:`);
      for (const [reason, n] of [...byReason].sort((a, b) => b[1] - a[1]).slice(0, 10))
        lines.push(`    ${n} × ${reason}`);
      if (r.problemsOmitted)
        lines.push(`    ${r.problemsOmitted} beyond the first ${r.problems.length}, counted only`);
    }
  }
  const verdict =
    r.exitCode === 0
      ? r.dryRun
        ? notes.applyRefused
          ? `No conflicts, but applying would be refused: ${notes.applyRefused}`
          : `No conflicts. Run without --dry-run to apply (would migrate ${r.totals.migrated}).`
        : 'All done.'
      : r.exitCode === 3
        ? 'Partial: fix the problems above and run again (finished items are skipped).'
        : 'Failed: nothing could be migrated; fix the problems above and run again.';
  lines.push(verdict);
  return `${lines.join('\n')}\n`;
}
