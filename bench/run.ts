/**
 * @module bench/run
 *
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line, e.g.
 * `npm run bench -- kubernetes`), prints each result, and writes docs/benchmarks.md with the
 * machine description. Benchmarks compare against a baseline measured in the same run, never
 * against fixed times.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchModule, BenchResult } from './bench-types.js';

const dir = new URL('.', import.meta.url);

// Child mode: run one benchmark file and write its rows as JSON.
if (process.argv[2] === '--child') {
  const [, , , file, out] = process.argv;
  const mod = (await import(new URL(file!, dir).href)) as BenchModule;
  writeFileSync(out!, JSON.stringify(await mod.run()));
  process.exit(0);
}

const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const results: BenchResult[] = [];
const failures: string[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'omsm-bench-'));
for (const f of files) {
  process.stderr.write(`bench: ${f} ...\n`);
  // Each file in a fresh process: a benchmark's figures must not depend on the heap, the JIT
  // state or the sockets left behind by the files that ran before it.
  const out = join(scratch, `${f}.json`);
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--child', f, out],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (child.status !== 0) {
    failures.push(`${f}: exited with ${child.status ?? child.signal}`);
    continue;
  }
  const rows = JSON.parse(readFileSync(out, 'utf8')) as BenchResult[];
  for (const r of rows) {
    process.stdout.write(
      `${r.area.padEnd(10)} ${r.operation.padEnd(52)} omsm ${fmt(r.omsm)} ${r.unit}  baseline ${fmt(r.baseline)} ${r.unit}  ratio ${fmt(r.ratio)}x\n`,
    );
  }
  results.push(...rows);
}
rmSync(scratch, { recursive: true, force: true });

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
