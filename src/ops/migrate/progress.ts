/**
 * @module ops/migrate/progress
 *
 * Progress on stderr: a bar redrawn in place on a terminal, plain lines (every 10 % or 5 s)
 * otherwise, so logs of a CI job stay readable. Counts only; never a name or a value.
 */
import type { ItemResult } from './migrate-types.js';
import type { ProgressSink } from './run-migration.js';

export interface ProgressOptions {
  readonly stream?: NodeJS.WriteStream;
  /** Force plain lines (default: bar only when the stream is a TTY). */
  readonly plain?: boolean;
  readonly label?: string;
  /** A dry run moves nothing: count "would migrate", never "migrated". */
  readonly dryRun?: boolean;
}

export function createProgress(options: ProgressOptions = {}): ProgressSink {
  const out = options.stream ?? process.stderr;
  const tty = options.plain !== true && out.isTTY === true;
  const label = options.label ?? 'migrate-secrets';
  let total: number | undefined;
  let entities = 0;
  const c = { migrated: 0, already: 0, failed: 0 };
  let lastDraw = 0;
  let lastPct = -1;
  const started = Date.now();

  const line = (): string => {
    const rate = (c.migrated + c.already) / Math.max(0.001, (Date.now() - started) / 1000);
    const counts = `${options.dryRun ? 'would migrate' : 'migrated'} ${c.migrated}, already there ${c.already}, failed ${c.failed} (${rate.toFixed(0)} secrets/s)`;
    if (total === undefined || total === 0) return `${label}: ${entities} entities, ${counts}`;
    const pct = Math.min(100, Math.floor((entities / total) * 100));
    if (!tty) return `${label}: ${entities}/${total} entities (${pct}%), ${counts}`;
    const width = 24;
    const filled = Math.round((pct / 100) * width);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${entities}/${total} | ${counts}`;
  };

  const draw = (force: boolean): void => {
    const now = Date.now();
    if (tty) {
      if (force || now - lastDraw > 100) {
        out.write(`\r\x1b[2K${line()}`);
        lastDraw = now;
      }
      return;
    }
    const pct = total ? Math.floor((entities / total) * 10) : -1;
    if (force || pct !== lastPct || now - lastDraw > 5000) {
      out.write(`${line()}\n`);
      lastDraw = now;
      lastPct = pct;
    }
  };

  return {
    start(n) {
      total = n;
      draw(true);
    },
    entityDone(results: readonly ItemResult[]) {
      entities++;
      for (const r of results) {
        if (r.outcome === 'migrated') c.migrated++;
        else if (r.outcome === 'already-there') c.already++;
        else if (r.outcome === 'failed' || r.outcome === 'conflict' || r.outcome === 'foreign') c.failed++;
      }
      draw(false);
    },
    end() {
      draw(true);
      if (tty) out.write('\n');
    },
  };
}
