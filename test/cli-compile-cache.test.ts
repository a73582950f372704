/**
 * bin/omsm.js turns on Node's compile cache (Node 22.1+), whose directory is NODE_COMPILE_CACHE or
 * else <os.tmpdir()>/node-compile-cache. The cache is an optimisation only: with a temp dir that
 * cannot hold it (TMPDIR a regular file, as on a misconfigured or locked-down host) the CLI must
 * run as usual and print nothing about it. On Node 20, which has no compile cache, this still
 * checks that nothing in the start-up path needs a writable temp dir.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from './support/cli.js';

describe('omsm with an unusable compile-cache directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-compile-cache-'));
  const notADir = join(dir, 'tmp-is-a-file');
  writeFileSync(notADir, 'not a directory\n');
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [what, env] of [
    ['TMPDIR a regular file, NODE_COMPILE_CACHE unset', { TMPDIR: notADir, NODE_COMPILE_CACHE: undefined }],
    [
      'NODE_COMPILE_CACHE inside a regular file',
      { TMPDIR: notADir, NODE_COMPILE_CACHE: join(notADir, 'cache') },
    ],
  ] as const) {
    test(`${what}: --help and secret-name still run`, async () => {
      const help = await runCli(['--help'], { env, cwd: dir });
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^Usage: omsm /m);
      assert.equal(help.stderr, '');

      const name = await runCli(['secret-name', 'database', 'my_service', 'password'], { env, cwd: dir });
      assert.equal(name.code, 0, name.stderr);
      assert.equal(name.stdout.trim(), 'openmetadata-database-my-service-password');
      assert.equal(name.stderr, '');
    });
  }
});
