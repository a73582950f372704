/**
 * The database dialects every server test loops over (Kysely's DIALECTS pattern): sqlite always;
 * PostgreSQL at 127.0.0.1:5432 (user postgres) and MariaDB at 127.0.0.1:3306 (root) when reachable.
 * Each call of `freshDatabase` creates a database of its own (`omsm_t_<random>`) and `drop` removes
 * it, so parallel test files never collide. With CI=true a missing service fails the test instead
 * of skipping; locally a skip prints a visible notice. `OMSM_TEST_DIALECTS=sqlite,postgresql` picks
 * a subset.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import type { DatabaseConfiguration } from '../../src/core/config/config-types.js';

export type DialectName = DatabaseConfiguration['scheme'];
export const ALL_DIALECTS: readonly DialectName[] = ['sqlite', 'postgresql', 'mysql'];
export const DIALECTS: readonly DialectName[] = process.env.OMSM_TEST_DIALECTS
  ? (process.env.OMSM_TEST_DIALECTS.split(',') as DialectName[])
  : ALL_DIALECTS;

export interface FreshDatabase {
  readonly config: DatabaseConfiguration;
  drop(): Promise<void>;
}

/** Why a dialect cannot run here, or undefined when it can. Throws under CI=true instead. */
export async function unavailable(dialect: DialectName): Promise<string | undefined> {
  if (dialect === 'sqlite') return undefined;
  try {
    const db = await freshDatabase(dialect);
    await db.drop();
    return undefined;
  } catch (err) {
    const why = `${dialect} not reachable (${(err as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`CI=true and ${why}`);
    process.stderr.write(`NOTICE: skipping ${dialect} tests: ${why}\n`);
    return why;
  }
}

/** Creates an empty database for `dialect`. @throws when the server is unreachable. */
export async function freshDatabase(dialect: DialectName): Promise<FreshDatabase> {
  const name = `omsm_t_${randomBytes(6).toString('hex')}`;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'omsm-db-'));
    return {
      config: { scheme: 'sqlite', host: '', port: 0, name: join(dir, 'omsm.db'), user: '', password: '' },
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (dialect === 'postgresql') {
    const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    return {
      config: { scheme: 'postgresql', host: '127.0.0.1', port: 5432, name, user: 'postgres', password: '' },
      async drop() {
        const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  await admin.query(`create database ${name} character set utf8mb4`);
  await admin.end();
  return {
    config: { scheme: 'mysql', host: '127.0.0.1', port: 3306, name, user: 'root', password: '' },
    async drop() {
      const c = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
      await c.query(`drop database if exists ${name}`);
      await c.end();
    },
  };
}
