/**
 * bootstrap/openmetadata-ops.sh, upstream's entry point, is a thin wrapper: `-c FILE` before the
 * command, everything after it passed to `omsm <command>`, omsm's exit code returned.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FERNET_KEY, seedDatabase } from './support/populated-database.js';
import { freshDatabase } from './support/database-dialects.js';
import { run } from './support/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'omsm-ops-sh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function ops(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return run('bash', ['bootstrap/openmetadata-ops.sh', ...args], { label: 'openmetadata-ops.sh' });
}

test('-c FILE migrate-secrets --dry-run --json runs omsm migrate-secrets with that config', async () => {
  const db = await freshDatabase('sqlite');
  try {
    await seedDatabase(db.config, { services: 3, bots: 1, pipelines: 1 });
    const cfg = join(dir, 'om.yaml');
    writeFileSync(
      cfg,
      `secretsManagerConfiguration:\n  secretsManager: in-memory\nfernetConfiguration:\n  fernetKey: ${FERNET_KEY}\ndatabase:\n  scheme: sqlite\n  name: ${db.config.name}\n`,
    );
    const r = await ops(['-c', cfg, 'migrate-secrets', '--dry-run', '--json', '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { plan: { status: string; target: string }[] };
    assert.equal(out.plan.length, 5);
    assert.ok(out.plan.every((i) => i.status === 'migrate'));
    assert.ok(out.plan.some((i) => i.target === 'openmetadata-bot-bot-0-config-jwttoken'));
  } finally {
    await db.drop();
  }
});

test('usage errors exit 2: unknown command, missing config file', async () => {
  const unknown = await ops(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /supported: migrate-secrets, doctor, rbac/);
  const missing = await ops(['-c', join(dir, 'nope.yaml'), 'migrate-secrets']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /OMSM_ERR_CONFIG_FILE/);
});

test('--help of migrate-secrets documents the exit codes (through the wrapper)', async () => {
  const r = await ops(['migrate-secrets', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Exit codes:\n\s+0\s+every secret is in the target/);
  assert.match(r.stdout, /1\s+nothing could be migrated/);
  assert.match(r.stdout, /3\s+partial/);
  assert.match(r.stdout, /--dry-run/);
});
