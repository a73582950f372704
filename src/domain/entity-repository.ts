/**
 * @module domain/entity-repository
 *
 * `createEntityRepository(ctx, kind)`: what routes use for one entity kind (reads, and the writes of
 * entity-writer with the kind bound), so routes never touch Kysely. The server's `omsm-repositories`
 * plugin builds one per kind and decorates `app.repos`.
 */
import { randomUUID } from 'node:crypto';
import { omsmError } from '../core/errors.js';
import type { JsonObject } from '../core/secrets/secrets-manager-types.js';
import type { Include, ListOptions, Page, StoredEntity } from './db/entity-store.js';
import {
  createEntities,
  deleteSecretsOf,
  hardDeleteEntity,
  updateEntity,
  type UpdateBuild,
  type WriterContext,
} from './entity-writer.js';
import type { EntityKind } from './kinds.js';

export interface EntityRepository {
  readonly kind: EntityKind;
  readonly ctx: WriterContext;
  /** @throws OmsmError API_NOT_FOUND. */
  getById(id: string, include?: Include): Promise<StoredEntity>;
  /** @throws OmsmError API_NOT_FOUND. */
  getByName(name: string, include?: Include): Promise<StoredEntity>;
  findByName(name: string, include?: Include): Promise<StoredEntity | undefined>;
  list(options: ListOptions): Promise<Page>;
  /** Stores the secrets of `doc`, then inserts it. @throws see createEntities. */
  create(name: string, doc: JsonObject): Promise<StoredEntity>;
  /** Replaces the entity by `build(current)`, re-run on a fresh row after a race. @throws see updateEntity. */
  update(current: StoredEntity, build: UpdateBuild): Promise<StoredEntity>;
  /** Marks deleted; secrets are kept so a restore brings the entity back whole. */
  softDelete(current: StoredEntity): Promise<StoredEntity>;
  /** Removes the secrets, then the row. */
  hardDelete(current: StoredEntity): Promise<void>;
  /** Removes only the secrets (used before deleting rows in a wider transaction). */
  deleteSecrets(current: StoredEntity): Promise<void>;
}

export function createEntityRepository(ctx: WriterContext, kind: EntityKind): EntityRepository {
  const notFound = (what: string) =>
    omsmError('OMSM_ERR_API_NOT_FOUND', `${kind.kind} ${what} not found`, { path: kind.kind });
  return {
    kind,
    ctx,
    async getById(id, include = 'non-deleted') {
      const e = await ctx.store.findById(kind.kind, id, include);
      if (!e) throw notFound(`instance for ${JSON.stringify(id).slice(0, 80)}`);
      return e;
    },
    async getByName(name, include = 'non-deleted') {
      const e = await ctx.store.findByName(kind.kind, name, include);
      if (!e) throw notFound(`instance for ${JSON.stringify(name).slice(0, 300)}`);
      return e;
    },
    findByName: (name, include = 'all') => ctx.store.findByName(kind.kind, name, include),
    list: (options) => ctx.store.list(kind.kind, options),
    async create(name, doc) {
      const [row] = await createEntities(ctx, [{ kind, id: randomUUID(), name, doc }]);
      return row!;
    },
    update: (current, build) => updateEntity(ctx, kind, current, build),
    softDelete: (current) => updateEntity(ctx, kind, current, (cur) => ({ doc: cur.doc, deleted: true })),
    hardDelete: (current) => hardDeleteEntity(ctx, kind, current),
    deleteSecrets: (current) => deleteSecretsOf(ctx, kind, current),
  };
}

/** One repository per entity kind, by kind name (`databaseService`, `user`, `bot`, ...). */
export type Repositories = ReadonlyMap<string, EntityRepository> & {
  /** The repository of `kind`. @throws Error for an unknown kind (a programming error). */
  of(kind: string): EntityRepository;
};
