/**
 * @module bench/run
 *
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line, e.g.
 * `npm run bench -- kubernetes`), prints each result, and writes docs/benchmarks.md with the
 * machine description. Benchmarks compare against a baseline measured in the same run, never
 * against fixed times.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import type { BenchModule, BenchResult } from './bench-types.js';

const only = process.argv.slice(2);
const dir = new URL('.', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const results: BenchResult[] = [];
const failures: string[] = [];
for (const f of files) {
  process.stderr.write(`bench: ${f} ...\n`);
  try {
    const mod = (await import(new URL(f, dir).href)) as BenchModule;
    const rows = await mod.run();
    for (const r of rows) {
      process.stdout.write(
        `${r.area.padEnd(10)} ${r.operation.padEnd(52)} omsm ${fmt(r.omsm)} ${r.unit}  baseline ${fmt(r.baseline)} ${r.unit}  ratio ${fmt(r.ratio)}x\n`,
      );
    }
    results.push(...rows);
  } catch (err) {
    failures.push(`${f}: ${err instanceof Error ? err.message : String(err)}`);
    process.stderr.write(`bench: ${f} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`;
const lines = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine}.`,
  '',
  'Each row compares omsm with a baseline measured in the same run against the same kube-emulator',
  "(upstream OpenMetadata's call pattern, or a sequential run). Ratio > 1 means omsm is better.",
  '',
  '| area | operation | omsm | baseline | unit | ratio | note |',
  '|---|---|---:|---:|---|---:|---|',
  ...results.map(
    (r) =>
      `| ${r.area} | ${r.operation} | ${fmt(r.omsm)} | ${fmt(r.baseline)} | ${r.unit} | ${fmt(r.ratio)}× | ${r.note ?? ''} |`,
  ),
  '',
];
if (only.length === 0) writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), lines.join('\n'));
if (failures.length > 0) {
  process.stderr.write(`bench: ${failures.length} benchmark file(s) failed:\n  ${failures.join('\n  ')}\n`);
  process.exit(1);
}
process.exit(0);
