/**
 * @module test/support/leak-guard
 *
 * Loaded with `--import` into every test process by scripts/run-tests.mjs. It watches everything a
 * test process produces — its stdout and stderr (logs, test output, assertion diffs), every HTTP
 * response body and header written by an in-process server (omsm's server, light-my-request
 * injections, the kube-emulator), and every OmsmError message and details — and, when the process
 * exits, fails it if any canary (test/support/canary.ts) appeared, naming where. run-tests.mjs also
 * scans the files tests wrote (a per-run TMPDIR) and collects the counts.
 *
 * Output a test captured from a child process (a CLI run) is scanned when the test hands it to
 * `scanOutput(where, text)`; test/support/cli.ts does that for every CLI run it makes.
 */
import { appendFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { observeErrors } from '../../src/core/errors.js';
import { CANARY_PATTERN, redactCanaries } from './canary.js';

interface Hit {
  where: string;
  context: string;
}

const hits: Hit[] = [];
let scannedChunks = 0;
let scannedBytes = 0;
let insideGuard = false;

/** Scans one piece of output; `where` names its origin in a failure report. */
export function scanOutput(where: string, text: string): void {
  scannedChunks++;
  scannedBytes += text.length;
  CANARY_PATTERN.lastIndex = 0;
  const m = CANARY_PATTERN.exec(text);
  if (m) {
    const start = Math.max(0, m.index - 60);
    hits.push({ where, context: redactCanaries(text.slice(start, m.index + 80)).replace(/\s+/g, ' ') });
  }
}

function asText(chunk: unknown, encoding?: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return '';
}

// --- the process's own stdout and stderr ---
for (const [name, stream] of [
  ['stdout', process.stdout],
  ['stderr', process.stderr],
] as const) {
  const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  (stream as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
    if (!insideGuard) scanOutput(`test process ${name}`, asText(args[0], args[1]));
    return original(...args);
  };
}

// --- HTTP responses written by in-process servers (and injected requests) ---
const proto = ServerResponse.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const method of ['write', 'end'] as const) {
  const original = proto[method]!;
  proto[method] = function (this: ServerResponse, ...args: unknown[]) {
    const text = asText(args[0], args[1]);
    if (text) scanOutput(`HTTP response body (${this.req?.method ?? '?'} ${this.req?.url ?? '?'})`, text);
    return original.apply(this, args);
  };
}
const originalSetHeader = proto.setHeader!;
proto.setHeader = function (this: ServerResponse, name: unknown, value: unknown) {
  scanOutput(`HTTP response header ${String(name)}`, Array.isArray(value) ? value.join(', ') : String(value));
  return originalSetHeader.call(this, name, value);
};
const originalWriteHead = proto.writeHead!;
proto.writeHead = function (this: ServerResponse, ...args: unknown[]) {
  for (const a of args)
    if (a && typeof a === 'object') scanOutput('HTTP response headers', JSON.stringify(a));
  return originalWriteHead.apply(this, args);
};

// --- every OmsmError as it is created ---
observeErrors((err) => {
  scanOutput(`OmsmError ${err.code} message`, err.message);
  scanOutput(`OmsmError ${err.code} details`, JSON.stringify(err.details));
});

process.on('exit', () => {
  const report = process.env.OMSM_LEAK_REPORT;
  const file = process.argv[1] ?? 'unknown';
  if (report) {
    try {
      appendFileSync(
        report,
        `${JSON.stringify({ file, chunks: scannedChunks, bytes: scannedBytes, hits })}\n`,
      );
    } catch {
      // The report is a summary; the exit code below is what fails the run.
    }
  }
  if (hits.length > 0) {
    insideGuard = true;
    process.stderr.write(`\nLEAK GUARD: ${hits.length} secret value(s) leaked in ${file}:\n`);
    for (const h of hits.slice(0, 20)) process.stderr.write(`  - in ${h.where}: ...${h.context}...\n`);
    process.exitCode = 1;
  }
});
