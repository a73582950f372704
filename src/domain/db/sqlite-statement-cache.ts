/**
 * @module domain/db/sqlite-statement-cache
 *
 * Kysely's SQLite driver calls `database.prepare(sql)` for every query it runs, so SQLite parses
 * and plans the same few statements again and again (better-sqlite3's own advice is to prepare
 * once and reuse). This wrapper gives Kysely the database it expects with a bounded cache of
 * prepared statements keyed by SQL text. A statement still being iterated (`busy`) is never handed
 * out twice: a fresh one is prepared instead, so nested reads of the same SQL stay correct.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Enough for every distinct statement the server and the migration issue (a few dozen). */
const DEFAULT_CAPACITY = 256;

export function withStatementCache(
  database: BetterSqlite3.Database,
  capacity = DEFAULT_CAPACITY,
): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        // Map order is insertion order: re-inserting keeps the least recently used first.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = database.prepare(sql);
      if (!hit) {
        cache.set(sql, statement);
        if (cache.size > capacity) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
    close(): void {
      cache.clear();
      database.close();
    },
  };
}
