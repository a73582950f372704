/**
 * @module domain/db/entity-store
 *
 * Entities as JSON documents, one query layer for every dialect. The columns (id, kind, name,
 * version, deleted, updated_at) are authoritative and overlaid on the document when read.
 *
 * Concurrency: every update is `UPDATE ... WHERE id = ? AND version = ?`; zero rows changed means
 * another writer (maybe another server process on the same PostgreSQL/MySQL database) got there
 * first, reported as a stale conflict the caller retries on a fresh read. No update is ever lost.
 */
import type { Kysely, Transaction } from 'kysely';
import { omsmError } from '../../core/errors.js';
import type { JsonObject } from '../../core/secrets/secrets-manager-types.js';
import { parentOf } from './entity-parent.js';
import { dbCall } from './db-errors.js';
import type { Database } from './tables.js';

export interface StoredEntity {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly version: number;
  readonly deleted: boolean;
  readonly updatedAt: number;
  /** The stored document (password fields hold stored forms). */
  readonly doc: JsonObject;
}

export type Include = 'non-deleted' | 'deleted' | 'all';

export interface ListOptions {
  readonly limit: number;
  /** Cursor from a previous page's `paging.after`: entries after it (by name). */
  readonly after?: string;
  /** Cursor from `paging.before`: entries before it (by name). */
  readonly before?: string;
  readonly include?: Include;
  /** Only entities of this service (the `parent` column: see entity-parent.ts). */
  readonly parent?: string;
}

export interface Page {
  readonly rows: StoredEntity[];
  readonly before?: string;
  readonly after?: string;
  readonly total: number;
}

/** A stale-version conflict: the row changed since it was read. Retry on a fresh read. */
export function staleConflict(kind: string, name: string) {
  return omsmError('OMSM_ERR_API_CONFLICT', `${kind} "${name}" was changed by another request`, {
    stale: true,
  });
}

/** True for the error `staleConflict` builds. */
export function isStale(err: unknown): boolean {
  return (err as { details?: { stale?: unknown } } | null)?.details?.stale === true;
}

const encodeCursor = (name: string) => Buffer.from(name, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  if (name === '' || encodeCursor(name) !== cursor.replace(/=+$/, '')) {
    throw omsmError('OMSM_ERR_API_INVALID', 'paging cursor is not one this server issued', {
      path: 'after',
    });
  }
  return name;
}

type Row = Database['entity'];

function fromRow(r: Row): StoredEntity {
  const doc = JSON.parse(r.json) as JsonObject;
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    version: Number(r.version),
    deleted: Number(r.deleted) === 1,
    updatedAt: Number(r.updated_at),
    doc,
  };
}

export class EntityStore {
  readonly #db: Kysely<Database> | Transaction<Database>;

  constructor(db: Kysely<Database> | Transaction<Database>) {
    this.#db = db;
  }

  /**
   * Runs `fn` in one database transaction (committed when it returns, rolled back when it throws).
   * @throws OmsmError whatever `fn` throws, or the translated driver error.
   */
  async transaction<T>(fn: (store: EntityStore) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return fn(this);
    return dbCall(() =>
      (this.#db as Kysely<Database>).transaction().execute((trx) => fn(new EntityStore(trx))),
    );
  }

  /** @throws OmsmError API_CONFLICT when (kind, name) or id exists; DB_UNAVAILABLE. */
  async insert(e: StoredEntity): Promise<void> {
    await dbCall(
      () =>
        this.#db
          .insertInto('entity')
          .values({
            id: e.id,
            kind: e.kind,
            name: e.name,
            version: e.version,
            deleted: e.deleted ? 1 : 0,
            updated_at: e.updatedAt,
            json: JSON.stringify(e.doc),
            parent: parentOf(e.doc),
          })
          .execute(),
      `${e.kind} "${e.name}"`,
    );
  }

  /** @throws OmsmError DB_UNAVAILABLE. */
  async findById(kind: string, id: string, include: Include = 'all'): Promise<StoredEntity | undefined> {
    const row = await dbCall(() =>
      this.#filter(
        this.#db.selectFrom('entity').selectAll().where('kind', '=', kind).where('id', '=', id),
        include,
      ).executeTakeFirst(),
    );
    return row ? fromRow(row) : undefined;
  }

  /** @throws OmsmError DB_UNAVAILABLE. */
  async findByName(kind: string, name: string, include: Include = 'all'): Promise<StoredEntity | undefined> {
    const row = await dbCall(() =>
      this.#filter(
        this.#db.selectFrom('entity').selectAll().where('kind', '=', kind).where('name', '=', name),
        include,
      ).executeTakeFirst(),
    );
    return row ? fromRow(row) : undefined;
  }

  /**
   * One page by name order, with cursors for the neighbouring pages (upstream's `paging`).
   * @throws OmsmError API_INVALID for a foreign cursor; DB_UNAVAILABLE.
   */
  async list(kind: string, options: ListOptions): Promise<Page> {
    const include = options.include ?? 'non-deleted';
    const base = () => {
      const q = this.#filter(this.#db.selectFrom('entity').where('kind', '=', kind), include);
      return options.parent === undefined ? q : q.where('parent', '=', options.parent);
    };
    const totalRow = await dbCall(() =>
      base()
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow(),
    );
    const total = Number(totalRow.n);
    const limit = options.limit;
    let rows: Row[];
    if (options.before !== undefined) {
      const name = decodeCursor(options.before);
      rows = await dbCall(() =>
        base()
          .selectAll()
          .where('name', '<', name)
          .orderBy('name', 'desc')
          .limit(limit + 1)
          .execute(),
      );
      const more = rows.length > limit;
      rows = rows.slice(0, limit).reverse();
      const page = rows.map(fromRow);
      return {
        rows: page,
        total,
        ...(more && page.length > 0 ? { before: encodeCursor(page[0]!.name) } : {}),
        ...(page.length > 0 ? { after: encodeCursor(page[page.length - 1]!.name) } : {}),
      };
    }
    const after = options.after === undefined ? undefined : decodeCursor(options.after);
    rows = await dbCall(() => {
      let q = base().selectAll();
      if (after !== undefined) q = q.where('name', '>', after);
      return q
        .orderBy('name', 'asc')
        .limit(limit + 1)
        .execute();
    });
    const more = rows.length > limit;
    const page = rows.slice(0, limit).map(fromRow);
    return {
      rows: page,
      total,
      ...(after !== undefined && page.length > 0 ? { before: encodeCursor(page[0]!.name) } : {}),
      ...(more && page.length > 0 ? { after: encodeCursor(page[page.length - 1]!.name) } : {}),
    };
  }

  /**
   * Conditional update: succeeds only if the row still has `expectedVersion`; returns the stored
   * entity with version + 1.
   * @throws OmsmError API_CONFLICT (stale, see isStale) when the row changed or vanished; API_CONFLICT
   *   when a rename hits an existing name; DB_UNAVAILABLE.
   */
  async update(
    current: StoredEntity,
    next: { name: string; deleted: boolean; doc: JsonObject; updatedAt: number },
  ): Promise<StoredEntity> {
    const version = current.version + 1;
    const result = await dbCall(
      () =>
        this.#db
          .updateTable('entity')
          .set({
            name: next.name,
            deleted: next.deleted ? 1 : 0,
            updated_at: next.updatedAt,
            version,
            json: JSON.stringify(next.doc),
            parent: parentOf(next.doc),
          })
          .where('id', '=', current.id)
          .where('kind', '=', current.kind)
          .where('version', '=', current.version)
          .executeTakeFirst(),
      `${current.kind} "${next.name}"`,
    );
    if (Number(result.numUpdatedRows) !== 1) throw staleConflict(current.kind, current.name);
    return { ...current, ...next, version };
  }

  /**
   * Deletes the row if it still has `expectedVersion` (hard delete).
   * @throws OmsmError API_CONFLICT (stale) when it changed meanwhile; DB_UNAVAILABLE.
   */
  async remove(current: StoredEntity): Promise<void> {
    const result = await dbCall(() =>
      this.#db
        .deleteFrom('entity')
        .where('id', '=', current.id)
        .where('kind', '=', current.kind)
        .where('version', '=', current.version)
        .executeTakeFirst(),
    );
    if (Number(result.numDeletedRows) !== 1) throw staleConflict(current.kind, current.name);
  }

  /**
   * Every entity of `kinds` in id order, `pageSize` at a time (for migrations and scans; includes
   * soft-deleted ones, whose secrets still exist).
   * @throws OmsmError DB_UNAVAILABLE.
   */
  async *scan(kinds: readonly string[], pageSize = 200): AsyncGenerator<StoredEntity[]> {
    let afterId = '';
    for (;;) {
      const rows = await dbCall(() =>
        this.#db
          .selectFrom('entity')
          .selectAll()
          .where('kind', 'in', [...kinds])
          .where('id', '>', afterId)
          .orderBy('id', 'asc')
          .limit(pageSize)
          .execute(),
      );
      if (rows.length === 0) return;
      yield rows.map(fromRow);
      afterId = rows[rows.length - 1]!.id;
      if (rows.length < pageSize) return;
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's select builder types are deep generics.
  #filter<Q extends { where: (...args: any[]) => Q }>(q: Q, include: Include): Q {
    if (include === 'all') return q;
    return q.where('deleted', '=', include === 'deleted' ? 1 : 0);
  }
}
