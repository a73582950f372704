/**
 * `migrate-secrets` never loses data: a target that keeps nothing after the process exits
 * (`SECRET_MANAGER=in-memory`) is refused with exit 2 before any row changes, and the dry run says
 * what it would do ("would migrate"), never "migrated". Through the real CLI, on a seeded SQLite.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createDbProvider } from '../src/core/providers/db-provider.js';
import { FERNET_KEY, mismatches, seedDatabase, snapshot } from './support/populated-database.js';
import { freshDatabase } from './support/database-dialects.js';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'omsm-durable-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('SECRET_MANAGER=in-memory migrate-secrets exits 2 with OMSM_ERR_MIGRATE_TARGET_NOT_DURABLE and changes nothing', async () => {
  const db = await freshDatabase('sqlite');
  try {
    const expected = await seedDatabase(db.config, { services: 3, bots: 1, pipelines: 1 });
    const cfg = join(dir, 'om.yaml');
    // The shipped shape: the provider comes from SECRET_MANAGER, as an operator would set it.
    writeFileSync(
      cfg,
      `secretsManagerConfiguration:\n  secretsManager: \${SECRET_MANAGER:-db}\nfernetConfiguration:\n  fernetKey: ${FERNET_KEY}\ndatabase:\n  scheme: sqlite\n  name: ${db.config.name}\n`,
    );
    const env = { SECRET_MANAGER: 'in-memory' };
    const fernet = createDbProvider({ fernetKey: FERNET_KEY });

    for (const args of [[], ['-o', 'json'], ['--delete-source', '--verify']]) {
      const r = await runCli(['migrate-secrets', '-c', cfg, '--no-progress', ...args], { env });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(
        r.stderr,
        /^error OMSM_ERR_MIGRATE_TARGET_NOT_DURABLE: the target in-memory keeps nothing after this process exits;.*nothing was changed\n {2}fix: .*kubernetes or db/m,
      );
      assert.equal(r.stdout, '', 'no report: nothing ran');
      const snap = await snapshot(db.config, fernet);
      assert.ok(
        [...snap.stored.values()].every((v) => v === 'fernet'),
        'every row still holds its Fernet value',
      );
      assert.equal(mismatches(expected, snap.values), 0);
    }

    // The dry run plans (it writes nothing), says "would migrate", and warns that apply is refused.
    const dry = await runCli(['migrate-secrets', '-c', cfg, '--dry-run'], { env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /would migrate/);
    assert.match(dry.stdout, /applying would be refused: OMSM_ERR_MIGRATE_TARGET_NOT_DURABLE/);
    assert.match(dry.stderr, /plan: 5\/5 entities \(100%\), would migrate 5/);
    assert.match(dry.stderr, /warning OMSM_ERR_MIGRATE_TARGET_NOT_DURABLE/);
    assert.doesNotMatch(dry.stdout + dry.stderr, /\bmigrated\b/);
    const json = await runCli(['migrate-secrets', '-c', cfg, '--dry-run', '--json', '--no-progress'], {
      env,
    });
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as { report: { dryRun: boolean; totals: Record<string, number> } };
    assert.equal(out.report.dryRun, true);
    assert.equal(out.report.totals['would-migrate'], 5);
    assert.equal(out.report.totals.migrated, undefined);
  } finally {
    await db.drop();
  }
});
