/**
 * @module server/db/migrations
 *
 * Schema migrations, run on every start through Kysely's Migrator (idempotent; a second server
 * process racing on the same database is serialized by the Migrator's lock table). Migrations are
 * code, in order, never edited once shipped: add a new one instead.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { omsmError } from '../../core/errors.js';
import type { Scheme } from './database.js';
import { translateDbError } from './db-errors.js';

function migrations(scheme: Scheme): Record<string, Migration> {
  // MySQL compares text case-insensitively by default: names must be exact (upstream is), so the
  // name column is binary-collated there; documents can exceed TEXT's 64 KiB, hence LONGTEXT.
  const nameType = scheme === 'mysql' ? sql`varchar(256) collate utf8mb4_bin` : sql`varchar(256)`;
  const jsonType = scheme === 'mysql' ? sql`longtext` : sql`text`;
  return {
    '0001_entities': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('entity')
          .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
          .addColumn('kind', 'varchar(64)', (c) => c.notNull())
          .addColumn('name', nameType, (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('json', jsonType, (c) => c.notNull())
          .addUniqueConstraint('entity_kind_name', ['kind', 'name'])
          .execute();
        await db.schema
          .createTable('omsm_setting')
          .addColumn('key', 'varchar(128)', (c) => c.primaryKey())
          .addColumn('value', jsonType, (c) => c.notNull())
          .execute();
      },
    },
  };
}

class CodeMigrations implements MigrationProvider {
  constructor(private readonly scheme: Scheme) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.scheme);
  }
}

/**
 * Brings the schema up to date.
 * @throws OmsmError OMSM_ERR_DB_UNAVAILABLE when the database cannot be reached; OMSM_ERR_INTERNAL
 *   when a migration fails (the name of the migration is in the message).
 */
export async function migrateToLatest(db: Kysely<unknown>, scheme: Scheme): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new CodeMigrations(scheme),
    migrationTableName: 'omsm_migration',
    migrationLockTableName: 'omsm_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const mapped = translateDbError(error);
    if (mapped.code === 'OMSM_ERR_DB_UNAVAILABLE') throw mapped;
    throw omsmError('OMSM_ERR_INTERNAL', `database migration ${failed ?? '(setup)'} failed`, {}, error);
  }
}
