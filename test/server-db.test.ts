/**
 * The entity store on every dialect: insert, find, paging cursors, conditional updates (no lost
 * update between two writers), unique violations as conflicts, settings insert-if-absent.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type OpenDatabase } from '../src/domain/db/database.js';
import { EntityStore, isStale, type StoredEntity } from '../src/domain/db/entity-store.js';
import { migrateToLatest } from '../src/domain/db/migrations.js';
import { ensureSetting } from '../src/domain/db/settings-store.js';
import { DIALECTS, freshDatabase, unavailable, type FreshDatabase } from './support/database-dialects.js';

function entity(name: string, kind = 'databaseService'): StoredEntity {
  return { id: randomUUID(), kind, name, version: 1, deleted: false, updatedAt: Date.now(), doc: { name } };
}

for (const dialect of DIALECTS) {
  describe(`entity store on ${dialect}`, async () => {
    const skip = await unavailable(dialect);
    let fresh: FreshDatabase;
    let open: OpenDatabase;
    let store: EntityStore;
    before(async () => {
      if (skip) return;
      fresh = await freshDatabase(dialect);
      open = openDatabase(fresh.config);
      await migrateToLatest(open.db as never, dialect);
      await migrateToLatest(open.db as never, dialect); // idempotent
      store = new EntityStore(open.db);
    });
    after(async () => {
      if (skip) return;
      await open.db.destroy();
      await fresh.drop();
    });

    test('insert, find by id and name, duplicates conflict', { skip }, async () => {
      const e = entity('Alpha_1');
      await store.insert(e);
      assert.equal((await store.findById('databaseService', e.id))?.name, 'Alpha_1');
      assert.equal((await store.findByName('databaseService', 'Alpha_1'))?.id, e.id);
      // names are exact on every dialect (MySQL would otherwise compare case-insensitively)
      assert.equal(await store.findByName('databaseService', 'alpha_1'), undefined);
      await store.insert(entity('alpha_1'));
      await assert.rejects(store.insert(entity('Alpha_1')), { code: 'OMSM_ERR_API_CONFLICT' });
      // same name, other kind: fine
      await store.insert(entity('Alpha_1', 'dashboardService'));
    });

    test('paging walks forward and back with cursors', { skip }, async () => {
      for (let i = 0; i < 7; i++) await store.insert(entity(`p${i}`, 'pagedKind'));
      const p1 = await store.list('pagedKind', { limit: 3 });
      assert.deepEqual(
        p1.rows.map((r) => r.name),
        ['p0', 'p1', 'p2'],
      );
      assert.equal(p1.total, 7);
      assert.equal(p1.before, undefined);
      const p2 = await store.list('pagedKind', { limit: 3, after: p1.after! });
      assert.deepEqual(
        p2.rows.map((r) => r.name),
        ['p3', 'p4', 'p5'],
      );
      const p3 = await store.list('pagedKind', { limit: 3, after: p2.after! });
      assert.deepEqual(
        p3.rows.map((r) => r.name),
        ['p6'],
      );
      assert.equal(p3.after, undefined);
      const back = await store.list('pagedKind', { limit: 3, before: p3.before! });
      assert.deepEqual(
        back.rows.map((r) => r.name),
        ['p3', 'p4', 'p5'],
      );
      await assert.rejects(store.list('pagedKind', { limit: 3, after: '!!' }), {
        code: 'OMSM_ERR_API_INVALID',
      });
    });

    test('a list narrowed to one service pages and counts in SQL; the column follows the doc', {
      skip,
    }, async () => {
      const pipeline = (name: string, service: string): StoredEntity => ({
        ...entity(name, 'pipelineKind'),
        doc: { name, service: { id: randomUUID(), type: 'databaseService', name: service } },
      });
      // Interleaved by name, so a filter applied after paging would return short pages.
      for (let i = 0; i < 9; i++) await store.insert(pipeline(`q${i}`, i % 3 === 0 ? 'mysql_a' : 'other'));
      const first = await store.list('pipelineKind', { limit: 2, parent: 'mysql_a' });
      assert.deepEqual(
        first.rows.map((r) => r.name),
        ['q0', 'q3'],
      );
      assert.equal(first.total, 3);
      const second = await store.list('pipelineKind', { limit: 2, parent: 'mysql_a', after: first.after! });
      assert.deepEqual(
        second.rows.map((r) => r.name),
        ['q6'],
      );
      assert.equal((await store.list('pipelineKind', { limit: 10 })).total, 9);
      // Moving a pipeline to another service moves it between the filtered lists.
      const q1 = (await store.findByName('pipelineKind', 'q1'))!;
      await store.update(q1, { ...q1, doc: { ...q1.doc, service: { name: 'mysql_a' } } });
      assert.equal((await store.list('pipelineKind', { limit: 10, parent: 'mysql_a' })).total, 4);
      assert.equal((await store.list('pipelineKind', { limit: 10, parent: 'other' })).total, 5);
    });

    test('conditional update: the second writer on the same version is stale', { skip }, async () => {
      const e = entity('versioned');
      await store.insert(e);
      const a = await store.findById(e.kind, e.id);
      const b = await store.findById(e.kind, e.id);
      const updated = await store.update(a!, {
        name: 'versioned',
        deleted: false,
        doc: { x: 1 },
        updatedAt: 1,
      });
      assert.equal(updated.version, 2);
      await assert.rejects(
        store.update(b!, { name: 'versioned', deleted: false, doc: { x: 2 }, updatedAt: 2 }),
        (err) => isStale(err),
      );
      assert.deepEqual((await store.findById(e.kind, e.id))?.doc, { x: 1 });
      await assert.rejects(store.remove(b!), (err) => isStale(err));
      await store.remove((await store.findById(e.kind, e.id))!);
      assert.equal(await store.findById(e.kind, e.id), undefined);
    });

    test('a failed transaction writes nothing', { skip }, async () => {
      const e = entity('tx-a');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.insert(e);
          await tx.insert(entity('tx-a'));
        }),
        { code: 'OMSM_ERR_API_CONFLICT' },
      );
      assert.equal(await store.findById(e.kind, e.id), undefined);
    });

    test('scan pages through every entity of the kinds', { skip }, async () => {
      for (let i = 0; i < 5; i++) await store.insert(entity(`s${i}`, 'scanKind'));
      const seen: string[] = [];
      for await (const page of store.scan(['scanKind'], 2)) seen.push(...page.map((r) => r.name));
      assert.deepEqual(seen.sort(), ['s0', 's1', 's2', 's3', 's4']);
    });

    test('migration 0002 fills the parent column of rows written before it', { skip }, async () => {
      const older = await freshDatabase(dialect);
      const db = openDatabase(older.config);
      try {
        await migrateToLatest(db.db as never, dialect, '0001_entities');
        const doc = { name: 'old', service: { id: randomUUID(), name: 'svc_before' } };
        await sql`insert into entity (id, kind, name, version, deleted, updated_at, json)
          values (${randomUUID()}, 'pipelineKind', 'old', 1, 0, 1, ${JSON.stringify(doc)})`.execute(db.db);
        await sql`insert into entity (id, kind, name, version, deleted, updated_at, json)
          values (${randomUUID()}, 'databaseService', 'svc_before', 1, 0, 1, '{"name":"svc_before"}')`.execute(
          db.db,
        );
        await migrateToLatest(db.db as never, dialect);
        const s = new EntityStore(db.db);
        assert.deepEqual(
          (await s.list('pipelineKind', { limit: 5, parent: 'svc_before' })).rows.map((r) => r.name),
          ['old'],
        );
        assert.equal((await s.list('databaseService', { limit: 5, parent: 'svc_before' })).total, 0);
      } finally {
        await db.db.destroy();
        await older.drop();
      }
    });

    test('settings: the first value written wins', { skip }, async () => {
      const a = await ensureSetting(open.db, 'k', () => 'one');
      const b = await ensureSetting(open.db, 'k', () => 'two');
      assert.equal(a, 'one');
      assert.equal(b, 'one');
    });
  });
}

describe('secret holders API (sqlite)', () => {
  test('streams holders in migration group order with the registry group, scopes and slots', async () => {
    const { streamSecretHolders, countSecretHolders } = await import('../src/domain/secret-holders.js');
    const fresh = await freshDatabase('sqlite');
    const open = openDatabase(fresh.config);
    try {
      await migrateToLatest(open.db as never, 'sqlite');
      const store = new EntityStore(open.db);
      const svc = {
        ...entity('svc'),
        doc: { name: 'svc', connection: { config: { type: 'Mysql', authType: { password: 'secret:x' } } } },
      };
      // Written first, streamed after the service: the group order decides, not the insert order.
      await store.insert({
        ...entity('bot1', 'user'),
        doc: { name: 'bot1', isBot: true, authenticationMechanism: { authType: 'JWT', config: {} } },
      });
      await store.insert(svc);
      await store.insert({ ...entity('bare', 'dashboardService'), doc: { name: 'bare' } });
      const pages = [];
      for await (const page of streamSecretHolders(store, { pageSize: 1 })) pages.push(...page);
      assert.deepEqual(
        pages.map((h) => [h.group, h.kind, h.name]),
        [
          ['service', 'databaseService', 'svc'],
          ['bot', 'user', 'bot1'],
        ],
      );
      assert.deepEqual(pages[0]!.slots[0]!.scope, { parts: ['database', 'svc'], schema: 'Mysql' });
      assert.deepEqual(pages[0]!.slots[0]!.pointer, ['connection', 'config']);
      const all = [];
      for await (const page of streamSecretHolders(store, { withEmpty: true })) all.push(...page);
      assert.equal(all.length, 3, 'withEmpty also yields the service without a connection');
      assert.equal(await countSecretHolders(store), 3);
    } finally {
      await open.db.destroy();
      await fresh.drop();
    }
  });
});
