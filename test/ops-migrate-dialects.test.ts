/**
 * migrate-secrets' database side on every dialect: seeded Fernet values move to another provider
 * (in-memory, in-process) and back, through the server's own tables and version-checked updates;
 * every field resolves to its original value, and a second run changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDbProvider } from '../src/core/providers/db-provider.js';
import { createInMemoryProvider, InMemoryStore } from '../src/core/providers/in-memory-provider.js';
import type { SecretsProvider } from '../src/core/providers/provider.js';
import { loadSchemaRegistry } from '../src/core/schema/schema-registry.js';
import { createSecretsManager } from '../src/core/secrets/secrets-manager.js';
import { openDatabase } from '../src/server/db/database.js';
import { EntityStore } from '../src/server/db/entity-store.js';
import { dbHolderSource } from '../src/ops/migrate/holders-db.js';
import { runMigration } from '../src/ops/migrate/run-migration.js';
import { FERNET_KEY, mismatches, NAMING, seedDatabase, snapshot } from './ops-support.js';
import { DIALECTS, type FreshDatabase, freshDatabase, unavailable } from './server-dialects.case.js';

const schemas = loadSchemaRegistry([]);

async function migrate(dbConfig: FreshDatabase['config'], source: SecretsProvider, target: SecretsProvider) {
  const { db } = openDatabase(dbConfig);
  try {
    const manager = createSecretsManager({ provider: target, naming: NAMING, schemas });
    const facts = (p: SecretsProvider) => ({
      name: p.name,
      label: p.name,
      inline: p.inline,
      recognizes: (s: string) => p.recognizes(s),
    });
    return await runMigration({
      holders: dbHolderSource({ store: new EntityStore(db) }),
      source,
      target,
      plan: {
        source: facts(source),
        target: facts(target),
        sourceNaming: NAMING,
        targetNaming: NAMING,
        passwordPaths: (s, c) => manager.passwordPaths(s, c),
      },
      rate: 0,
      pageSize: 64,
    });
  } finally {
    await db.destroy();
  }
}

for (const dialect of DIALECTS) {
  describe(`migrate-secrets database side on ${dialect}`, () => {
    let fresh: FreshDatabase | undefined;
    let skip: string | undefined;
    before(async () => {
      skip = await unavailable(dialect);
      if (!skip) fresh = await freshDatabase(dialect);
    });
    after(async () => fresh?.drop());

    test('db -> in-memory -> db round-trips every value; re-runs change nothing', async (t) => {
      if (skip) return t.skip(skip);
      const sizes =
        dialect === 'sqlite'
          ? { services: 300, bots: 20, pipelines: 50 }
          : { services: 40, bots: 5, pipelines: 10 };
      const expected = await seedDatabase(fresh!.config, sizes);
      const fields = sizes.services + sizes.bots + sizes.pipelines;
      assert.equal(expected.size, fields);
      const db = createDbProvider({ fernetKey: FERNET_KEY });
      const mem = createInMemoryProvider({ store: new InMemoryStore() });

      const r1 = await migrate(fresh!.config, db, mem);
      assert.deepEqual(r1.problems, []);
      assert.equal(r1.exitCode, 0);
      assert.equal(r1.totals.migrated, fields);
      assert.deepEqual(
        [r1.byType.service.migrated, r1.byType.bot.migrated, r1.byType.pipeline.migrated],
        [sizes.services, sizes.bots, sizes.pipelines],
      );
      const s1 = await snapshot(fresh!.config, mem);
      assert.equal(mismatches(expected, s1.values), 0);
      assert.ok([...s1.stored.values()].every((v) => v.startsWith('secret:openmetadata-')));
      assert.equal(
        s1.stored.get('databaseService/svc_7#connection.config.authType.password'),
        'secret:openmetadata-database-svc-7-authtype-password',
      );
      assert.equal(
        s1.stored.get('user/bot-3#authenticationMechanism.config.JWTToken'),
        'secret:openmetadata-bot-bot-3-config-jwttoken',
      );

      const r2 = await migrate(fresh!.config, db, mem);
      assert.equal(r2.totals['already-there'], fields);
      assert.equal(r2.totals.migrated, 0);

      const back = await migrate(fresh!.config, mem, db);
      assert.equal(back.exitCode, 0);
      assert.equal(back.totals.migrated, fields);
      const s2 = await snapshot(fresh!.config, db);
      assert.ok([...s2.stored.values()].every((v) => v === 'fernet'));
      assert.equal(mismatches(expected, s2.values), 0);
    });
  });
}
