/**
 * @module bench/bench-types
 * What every benchmark file returns. A figure is only meaningful beside the baseline measured in
 * the same run on the same machine, so each row carries both and their ratio.
 */
export interface BenchResult {
  /** Part of omsm, e.g. `kubernetes`, `server`, `ingestion`, `migrate`, `emulator`. */
  readonly area: string;
  readonly operation: string;
  readonly omsm: number;
  readonly baseline: number;
  /** Unit of both figures, e.g. `ops/s`, `calls/op`, `ms`, `MiB`. */
  readonly unit: string;
  /** How much better omsm is, >1 is better (for "lower is better" units the file computes it so). */
  readonly ratio: number;
  readonly note?: string;
}

export interface BenchModule {
  run(): Promise<BenchResult[]>;
}

/** Samples RSS every few ms and reports the high-water mark in MiB. */
export function peakMemory(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  return {
    stop() {
      clearInterval(t);
      peak = Math.max(peak, process.memoryUsage.rss());
      return Math.round((peak / 1024 / 1024) * 10) / 10;
    },
  };
}
