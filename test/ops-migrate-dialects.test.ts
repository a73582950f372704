/**
 * migrate-secrets on every database dialect (SQLite, PostgreSQL, MariaDB): seeded Fernet values
 * move to Kubernetes (kube-emulator, omsm's server Role (docs/contract.md#rbac)) and back to db through the server's own
 * tables and version-checked updates; every field resolves to its original value at each step,
 * and a second run changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OmsmConfig } from '../src/core/config/config-types.js';
import { loadConfig } from '../src/core/config/load-config.js';
import { type KubeEmulator, startEmulator } from '../src/emulator/index.js';
import { openMigration, sourceConfig, type SourceSelection } from '../src/ops/migrate/open-migration.js';
import { runMigration } from '../src/ops/migrate/run-migration.js';
import { rbacObjects } from '../src/ops/rbac/rbac-manifests.js';
import { openProvider } from '../src/providers.js';
import { FERNET_KEY, mismatches, seedDatabase, snapshot } from './support/populated-database.js';
import { DIALECTS, type FreshDatabase, freshDatabase, unavailable } from './support/database-dialects.js';

let emu: KubeEmulator;
let sa: string;

before(async () => {
  emu = await startEmulator({ namespaces: ['om', ...DIALECTS.map((d) => `ns-${d}`)] });
  await emu.apply(rbacObjects({ secretsNamespace: 'om' }));
  for (const d of DIALECTS)
    await emu.apply(rbacObjects({ secretsNamespace: `ns-${d}`, serverNamespace: 'om' }).slice(1));
  sa = await emu.writeServiceAccountKubeconfig('om', 'openmetadata-secrets-sa');
});
after(async () => emu?.close());

function configFor(provider: string, namespace: string, database: FreshDatabase['config']): OmsmConfig {
  const base = loadConfig({
    text: `secretsManagerConfiguration:\n  secretsManager: ${provider}\n  parameters:\n    namespace: ${namespace}\n    kubeconfigPath: ${sa}\nfernetConfiguration:\n  fernetKey: ${FERNET_KEY}\n`,
    env: {},
  });
  return { ...base, database };
}

async function migrate(target: OmsmConfig, sel: SourceSelection) {
  const m = await openMigration(target, sourceConfig(target, sel, {}), {
    deleteSource: false,
    dryRun: false,
  });
  try {
    return await runMigration({ ...m, rate: 0, pageSize: 64 });
  } finally {
    await m.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`migrate-secrets on ${dialect}`, () => {
    let fresh: FreshDatabase | undefined;
    let skip: string | undefined;
    before(async () => {
      skip = await unavailable(dialect);
      if (!skip) fresh = await freshDatabase(dialect);
    });
    after(async () => fresh?.drop());

    test('db -> kubernetes -> db: every value resolves at each step; a re-run changes nothing', async (t) => {
      if (skip) return t.skip(skip);
      const sizes =
        dialect === 'sqlite'
          ? { services: 100, bots: 10, pipelines: 20 }
          : { services: 40, bots: 5, pipelines: 10 };
      const expected = await seedDatabase(fresh!.config, sizes);
      const fields = sizes.services + sizes.bots + sizes.pipelines;
      const k8sConfig = configFor('kubernetes', `ns-${dialect}`, fresh!.config);
      const dbConfig = configFor('db', 'om', fresh!.config);

      const r1 = await migrate(k8sConfig, {});
      assert.deepEqual(r1.problems, []);
      assert.equal(r1.exitCode, 0);
      assert.deepEqual(
        [r1.byType.service.migrated, r1.byType.bot.migrated, r1.byType.pipeline.migrated],
        [sizes.services, sizes.bots, sizes.pipelines],
      );
      const k8s = await openProvider(k8sConfig, { readOnly: true });
      const s1 = await snapshot(fresh!.config, k8s);
      await k8s.close();
      assert.equal(mismatches(expected, s1.values), 0);
      assert.equal(
        s1.stored.get('databaseService/svc_7#connection.config.authType.password'),
        'secret:openmetadata-database-svc-7-authtype-password',
      );
      assert.equal(
        s1.stored.get('user/bot-3#authenticationMechanism.config.JWTToken'),
        'secret:openmetadata-bot-bot-3-config-jwttoken',
      );
      assert.equal(
        s1.stored.get('ingestionPipeline/pipe_1#sourceConfig.config.dbtConfigSource.dbtCloudAuthToken'),
        'secret:openmetadata-pipeline-pipe-1-dbtconfigsource-dbtcloudauthtoken',
      );

      const r2 = await migrate(k8sConfig, {});
      assert.equal(r2.totals['already-there'], fields);
      assert.equal(r2.totals.migrated, 0);

      const back = await migrate(dbConfig, {
        fromProvider: 'kubernetes',
        fromNamespace: `ns-${dialect}`,
        fromKubeconfig: sa,
      });
      assert.equal(back.exitCode, 0, JSON.stringify(back.problems.slice(0, 3)));
      assert.equal(back.totals.migrated, fields);
      const db = await openProvider(dbConfig);
      const s2 = await snapshot(fresh!.config, db);
      assert.ok([...s2.stored.values()].every((v) => v === 'fernet'));
      assert.equal(mismatches(expected, s2.values), 0);
    });
  });
}
