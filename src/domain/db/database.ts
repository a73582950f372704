/**
 * @module domain/db/database
 *
 * Opens the entity database through Kysely for the configured dialect: SQLite (better-sqlite3, one
 * file, the embedded default), PostgreSQL (pg) or MySQL/MariaDB (mysql2). One query layer above
 * all three; the dialect is chosen by `database.scheme` (env `DB_SCHEME`).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect, type Dialect } from 'kysely';
import { createPool as createMysqlPool } from 'mysql2';
import pg from 'pg';
import type { DatabaseConfiguration } from '../../core/config/config-types.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import type { Database } from './tables.js';

export type Scheme = DatabaseConfiguration['scheme'];

/** The open database plus what callers branch on (the dialect, for DDL and error mapping). */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly scheme: Scheme;
}

function dialectFor(config: DatabaseConfiguration): Dialect {
  switch (config.scheme) {
    case 'sqlite': {
      if (config.name !== ':memory:') mkdirSync(dirname(config.name), { recursive: true });
      const database = new SqliteDatabase(config.name);
      // WAL lets readers run beside the one writer; busy_timeout rides out short write locks.
      database.pragma('journal_mode = WAL');
      database.pragma('busy_timeout = 5000');
      database.pragma('foreign_keys = ON');
      return new SqliteDialect({ database: withStatementCache(database) });
    }
    case 'postgresql': {
      const pool = new pg.Pool({
        host: config.host,
        port: config.port,
        database: config.name,
        user: config.user,
        password: config.password,
        max: 10,
        connectionTimeoutMillis: 5000,
      });
      // An idle client losing its connection (server restart, failover) must not crash the
      // process: the pool drops it and the next query reconnects or fails as DB_UNAVAILABLE.
      pool.on('error', () => {});
      return new PostgresDialect({ pool });
    }
    case 'mysql':
      return new MysqlDialect({
        pool: createMysqlPool({
          host: config.host,
          port: config.port,
          database: config.name,
          user: config.user,
          password: config.password,
          connectionLimit: 10,
          connectTimeout: 5000,
          // JSON documents are stored as text; keep big integers exact.
          supportBigNumbers: true,
          bigNumberStrings: false,
        }),
      });
  }
}

/**
 * Opens (does not migrate) the database. Connections are made lazily by the pools, so this does not
 * fail when the server is down; the first query does (as OMSM_ERR_DB_UNAVAILABLE via db-errors).
 * @throws Error from better-sqlite3 when the SQLite file cannot be opened.
 */
export function openDatabase(config: DatabaseConfiguration): OpenDatabase {
  return { db: new Kysely<Database>({ dialect: dialectFor(config) }), scheme: config.scheme };
}
