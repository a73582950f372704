/**
 * The SQLite prepared-statement cache under Kysely: statements are reused, a statement still being
 * iterated is never handed out twice, the cache stays bounded, and Kysely works unchanged on top.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { withStatementCache } from './sqlite-statement-cache.js';

function openTable() {
  const raw = new Database(':memory:');
  raw.exec('create table t (id integer primary key, v text)');
  raw.prepare('insert into t (v) values (?), (?), (?)').run('a', 'b', 'c');
  return raw;
}

test('the same SQL gets the same prepared statement; other SQL a different one', () => {
  const db = withStatementCache(openTable());
  const a = db.prepare('select v from t where id = ?');
  assert.equal(db.prepare('select v from t where id = ?'), a);
  assert.notEqual(db.prepare('select id from t where v = ?'), a);
  assert.deepEqual(a.all([2]), [{ v: 'b' }]);
  db.close();
});

test('a statement being iterated is not handed out again: nested reads of one SQL stay correct', () => {
  const db = withStatementCache(openTable());
  const query = 'select v from t order by id';
  const outer = db.prepare(query);
  const seen: string[] = [];
  for (const row of outer.iterate([]) as Iterable<{ v: string }>) {
    const inner = db.prepare(query);
    assert.notEqual(inner, outer, 'a busy statement must not be reused');
    seen.push(`${row.v}:${(inner.all([]) as { v: string }[]).map((r) => r.v).join('')}`);
  }
  assert.deepEqual(seen, ['a:abc', 'b:abc', 'c:abc']);
  assert.equal(db.prepare(query), outer, 'the cached statement is reused once it is free');
  db.close();
});

test('the cache is bounded: the least recently used statement is dropped first', () => {
  const db = withStatementCache(openTable(), 2);
  const one = db.prepare('select 1');
  const two = db.prepare('select 2');
  assert.equal(db.prepare('select 1'), one); // now "select 2" is the least recently used
  db.prepare('select 3');
  assert.equal(db.prepare('select 1'), one);
  assert.notEqual(db.prepare('select 2'), two);
  db.close();
});

test('Kysely runs reads, writes and transactions through it; close closes the database', async () => {
  const raw = openTable();
  const db = new Kysely<{ t: { id: number; v: string } }>({
    dialect: new SqliteDialect({ database: withStatementCache(raw) }),
  });
  for (let i = 0; i < 3; i++) {
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('t')
        .set({ v: `x${i}` })
        .where('id', '=', 1)
        .execute();
    });
  }
  const rows = await db.selectFrom('t').select(['id', 'v']).where('id', '<=', 2).orderBy('id').execute();
  assert.deepEqual(rows, [
    { id: 1, v: 'x2' },
    { id: 2, v: 'b' },
  ]);
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await trx.updateTable('t').set({ v: 'rolled back' }).where('id', '=', 2).execute();
      throw new Error('abort');
    }),
    /abort/,
  );
  const after = await sql<{ v: string }>`select v from t where id = 2`.execute(db);
  assert.deepEqual(after.rows, [{ v: 'b' }]);
  await db.destroy();
  assert.equal(raw.open, false);
});
