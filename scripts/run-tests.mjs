#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's own test runner (tsx as the loader).
// Node 20's --test does not expand globs, so the file list is built here.
//
// Every test process also loads test/support/leak-guard.ts, and all of them share a fresh TMPDIR.
// After the run, every file tests left in it is scanned for secret canaries too (a 0600 file is
// exempt: that is how resolved workflow configs are meant to be written). A leak fails the run.
//
// The tests run the real binary (bin/omsm.js over dist/), so the build runs first: a test never
// sees compiled code older than the source.
//
// Usage: node scripts/run-tests.mjs [path-filter ...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = ['src', 'test']
  .flatMap((d) => walk(d, []))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('npm run build failed; the tests need dist/');
  process.exit(build.status ?? 1);
}

const runTmp = mkdtempSync(join(tmpdir(), 'omsm-test-'));
const leakReport = join(runTmp, 'leak-report.jsonl');
writeFileSync(leakReport, '');
const args = [
  '--import',
  'tsx',
  '--import',
  './test/support/leak-guard.ts',
  '--test',
  '--test-concurrency=2',
  '--test-timeout=300000',
  ...files,
];
if (!process.stdout.isTTY) args.splice(4, 0, '--test-reporter=spec');
const r = spawnSync(process.execPath, args, {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: runTmp, OMSM_LEAK_REPORT: leakReport },
});

// Files the tests left behind.
const canary = /omsm-canary-[0-9a-f]{16}/;
const fileHits = [];
let scannedFiles = 0;
function scanDir(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) scanDir(p);
    else if (entry.isFile() && p !== leakReport) {
      const st = statSync(p);
      if ((st.mode & 0o077) === 0 || st.size > 64 * 1024 * 1024) continue;
      scannedFiles++;
      if (canary.test(readFileSync(p).toString('latin1'))) fileHits.push(p);
    }
  }
}
scanDir(runTmp);

let chunks = 0;
let processes = 0;
let outputHits = 0;
for (const line of readFileSync(leakReport, 'utf8').split('\n').filter(Boolean)) {
  const rec = JSON.parse(line);
  processes++;
  chunks += rec.chunks;
  outputHits += rec.hits.length;
}
console.log(
  `leak guard: ${processes} processes, ${chunks} outputs and ${scannedFiles} files scanned, ${outputHits + fileHits.length} leaks`,
);
for (const f of fileHits) console.log(`LEAK GUARD: secret value found in file ${f} (readable by others)`);
if (fileHits.length === 0 && r.status === 0) rmSync(runTmp, { recursive: true, force: true });
process.exit(fileHits.length > 0 ? 1 : (r.status ?? 1));
