/**
 * @module domain/db/migrations
 *
 * Schema migrations, run on every start through Kysely's Migrator (idempotent; a second server
 * process racing on the same database is serialized by the Migrator's lock table). Migrations are
 * code, in order, never edited once shipped: add a new one instead.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { omsmError } from '../../core/errors.js';
import type { JsonObject } from '../../core/secrets/secrets-manager-types.js';
import type { Scheme } from './database.js';
import { translateDbError } from './db-errors.js';
import { parentOf } from './entity-parent.js';

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
    '0002_entity_parent': {
      // Lists filtered by service (ingestion pipelines) were filtered after paging: short pages and
      // a wrong total. The owning service's name becomes a column, indexed with the list order.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('entity').addColumn('parent', nameType).execute();
        await db.schema
          .createIndex('entity_kind_parent_name')
          .on('entity')
          .columns(['kind', 'parent', 'name'])
          .execute();
        // Backfill a page at a time (by id), so a large database is never read whole.
        for (let last = ''; ; ) {
          const page = await sql<{ id: string; json: string }>`
            select id, json from entity where id > ${last} order by id limit 500`.execute(db);
          for (const row of page.rows) {
            const parent = parentOf(parseDocument(row.id, row.json));
            if (parent !== null)
              await sql`update entity set parent = ${parent} where id = ${row.id}`.execute(db);
          }
          if (page.rows.length < 500) break;
          last = page.rows[page.rows.length - 1]!.id;
        }
      },
    },
  };
}

/**
 * A stored document for a data migration. A parse failure names the row only: the parser's
 * message quotes the text, which holds stored secret forms.
 * @throws OmsmError OMSM_ERR_INTERNAL naming the row id.
 */
function parseDocument(id: string, json: string): JsonObject {
  try {
    return JSON.parse(json) as JsonObject;
  } catch {
    throw omsmError('OMSM_ERR_INTERNAL', `entity ${id} holds a document that is not valid JSON`);
  }
}

class CodeMigrations implements MigrationProvider {
  constructor(private readonly scheme: Scheme) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.scheme);
  }
}

/**
 * Brings the schema up to date, or (tests of a data migration) up to and including `target`.
 * @throws OmsmError OMSM_ERR_DB_UNAVAILABLE when the database cannot be reached; OMSM_ERR_INTERNAL
 *   when a migration fails (the name of the migration is in the message).
 */
export async function migrateToLatest(db: Kysely<unknown>, scheme: Scheme, target?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new CodeMigrations(scheme),
    migrationTableName: 'omsm_migration',
    migrationLockTableName: 'omsm_migration_lock',
  });
  const { error, results } = await (target === undefined
    ? migrator.migrateToLatest()
    : migrator.migrateTo(target));
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const mapped = translateDbError(error);
    if (mapped.code === 'OMSM_ERR_DB_UNAVAILABLE') throw mapped;
    throw omsmError('OMSM_ERR_INTERNAL', `database migration ${failed ?? '(setup)'} failed`, {}, error);
  }
}
