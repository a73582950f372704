/**
 * The test conventions of CONTRIBUTING.md that a reviewer would otherwise check by eye: test
 * support lives in test/support/ (never under src/, so the package never ships it), and tests run
 * processes through the one spawn helper (test/support/spawn.ts), except where a reason is given.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'node_modules' ? [] : files(join(dir, e.name))) : [join(dir, e.name)],
  );
}

/** Test files that use node:child_process themselves, and why the helper does not fit. */
const OWN_CHILD_PROCESS: Record<string, string> = {
  'test/support/spawn.ts': 'the helper itself',
  'test/core-cli.test.ts': 'synchronous runs of commands that need no in-process server',
  'test/leak-guard.test.ts': 'runs the leak guard itself in a child, to see it fail',
  'test/fuzz-airflow-cfg.test.ts': "feeds Python's configparser synchronously, no server involved",
  'test/ingestion-loaders.test.ts': "feeds Python's configparser synchronously, no server involved",
  'test/support/python-kubernetes.ts': 'a synchronous import probe at load time',
  'test/ingestion-exec.test.ts': 'signals and exit codes passed through `omsm ingestion exec`',
  'test/kubernetes-cli.test.ts': 'a terminal through `script`, to test the TTY prompt',
  'test/support/migrate-crash-fixture.ts': 'kills the migration at a random moment',
  'test/emulator-server-cli.test.ts': 'the kube-emulator process and its signals',
  'test/server-main.test.ts': 'kubectl against a server in another process (no deadlock)',
  'test/ops-deploy.test.ts': 'kubectl kustomize, offline and synchronous',
};

// Built so that this file does not match itself.
const IMPORTS_CHILD_PROCESS = new RegExp(`from 'node:${'child_process'}'`);

test('no test support under src/', () => {
  const bad = files(join(ROOT, 'src'))
    .map((f) => relative(ROOT, f))
    .filter((f) => /test-support|\/testing\/|test-helpers|\.test-support\.ts$|\/fakes?\//.test(f));
  assert.deepEqual(bad, []);
});

test('tests spawn processes through test/support/spawn.ts', () => {
  const uses = files(join(ROOT, 'test'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => relative(ROOT, f))
    .filter((f) => IMPORTS_CHILD_PROCESS.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(
    uses.filter((f) => !(f in OWN_CHILD_PROCESS)),
    [],
    'use run() or start() from test/support/spawn.ts, or add the file with its reason',
  );
  for (const f of Object.keys(OWN_CHILD_PROCESS))
    assert.ok(uses.includes(f), `${f} no longer needs its exception`);
});
