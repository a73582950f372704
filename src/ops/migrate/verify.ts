/**
 * @module ops/migrate/verify
 *
 * `--verify`: after apply, a separate pass that re-reads everything: every password field must be
 * in the target's stored form and resolve in the target. Reads only. It catches what per-item
 * read-back cannot: fields written by someone else meanwhile, Secrets deleted after the run, and
 * items a partial run left in the source form.
 */
import pLimit from 'p-limit';
import type { SecretsProvider } from '../../core/providers/provider.js';
import { reasonOf } from './apply.js';
import type { PlanItem, SecretHolderSource } from './migrate-types.js';
import { type PlanContext, planHolder } from './plan.js';

export interface VerifyProblem {
  readonly entityKind: string;
  readonly entityName: string;
  readonly field: string;
  readonly target: string;
  readonly problem: 'not-migrated' | 'missing' | 'unreadable' | 'foreign';
  readonly reason?: string;
}

export interface VerifyReport {
  readonly checked: number;
  readonly ok: number;
  readonly problems: readonly VerifyProblem[];
}

/** Re-reads every field. Never throws for one field; database errors propagate. */
export async function verifyMigration(
  holders: SecretHolderSource,
  target: SecretsProvider,
  plan: PlanContext,
  concurrency = 32,
): Promise<VerifyReport> {
  const limit = pLimit(Math.max(1, concurrency));
  const problems: VerifyProblem[] = [];
  let checked = 0;
  let ok = 0;
  const problem = (i: PlanItem, p: VerifyProblem['problem'], reason?: string) =>
    problems.push({
      entityKind: i.entityKind,
      entityName: i.entityName,
      field: i.field,
      target: i.target,
      problem: p,
      ...(reason ? { reason } : {}),
    });
  for await (const page of holders.pages(200)) {
    const fields = page.flatMap((h) => {
      try {
        return planHolder(h, plan);
      } catch {
        return [];
      }
    });
    await Promise.all(
      fields.map((f) =>
        limit(async () => {
          if (f.item.status === 'skip') return;
          checked++;
          // Never read through: a foreign reference points at a Secret this field does not own.
          if (f.item.status === 'foreign') return problem(f.item, 'foreign', f.item.reason);
          const inTargetForm = f.item.status === 'already-there' || f.check === 'compare';
          if (!inTargetForm) return problem(f.item, 'not-migrated', 'the field still holds the source form');
          try {
            if ((await target.get(f.sourceStored)) === undefined)
              problem(f.item, 'missing', 'the target Secret does not exist');
            else ok++;
          } catch (err) {
            problem(f.item, 'unreadable', reasonOf(err));
          }
        }),
      ),
    );
  }
  return { checked, ok, problems };
}

export function renderVerifyText(v: VerifyReport): string {
  const lines = [
    `Verify: ${v.checked} fields re-read, ${v.ok} resolve in the target${v.problems.length ? `, ${v.problems.length} problems:` : '.'}`,
  ];
  for (const p of v.problems)
    lines.push(
      `  ${p.problem.padEnd(12)} ${p.entityKind}/${p.entityName} ${p.field} -> ${p.target}${p.reason ? `: ${p.reason}` : ''}`,
    );
  return `${lines.join('\n')}\n`;
}
