/**
 * The leak guard itself: a process that prints a canary, returns one in an HTTP response, or builds
 * an error carrying one must fail; a clean one must pass. Without this, a broken guard would let
 * every other test "pass" vacuously.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

function runGuarded(code: string): { status: number | null; stderr: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', './test/support/leak-guard.ts', '--input-type=module', '-e', code],
    { encoding: 'utf8', env: { ...process.env, OMSM_LEAK_REPORT: '' } },
  );
  return { status: r.status, stderr: r.stderr };
}

const CANARY = "'omsm-canary-' + '0123456789abcdef'";

test('a clean process passes', () => {
  const r = runGuarded("console.log('nothing secret here')");
  assert.equal(r.status, 0, r.stderr);
});

test('a canary on stdout fails the process and names stdout', () => {
  const r = runGuarded(`console.log(${CANARY})`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /LEAK GUARD: 1 secret value\(s\) leaked/);
  assert.match(r.stderr, /test process stdout/);
  assert.doesNotMatch(r.stderr, /0123456789abcdef/, 'the report itself must not repeat the value');
});

test('a canary in an HTTP response body fails the process', () => {
  const r = runGuarded(`
    import http from 'node:http';
    const s = http.createServer((q, res) => res.end(${CANARY}));
    await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
    await fetch('http://127.0.0.1:' + s.address().port + '/x').then((x) => x.text());
    s.close();`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /HTTP response body \(GET \/x\)/);
});

test('a canary in an OmsmError message fails the process', () => {
  const r = runGuarded(`
    const { omsmError } = await import('./src/core/errors.ts');
    omsmError('OMSM_ERR_INTERNAL', 'oops ' + ${CANARY});`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /OmsmError OMSM_ERR_INTERNAL message/);
});
