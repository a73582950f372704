/**
 * @module server/routes/crud
 *
 * The collection routes upstream gives every entity, built once for a kind (services of each type,
 * ingestion pipelines, automation workflows): list with cursor paging, get by id and by name,
 * POST create, PUT create-or-update, PATCH (JSON Patch on the masked view: a mask sent back keeps
 * the stored value), DELETE by id or name (soft by default, `hardDelete=true` removes the row and
 * its secrets; `recursive=true` also deletes children), PUT /restore.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import jsonpatch from 'fast-json-patch';
import { omsmError } from '../../core/errors.js';
import type { JsonObject } from '../../core/secrets/secrets-manager-types.js';
import type { Role } from '../auth/jwt.js';
import type { Include, StoredEntity } from '../../domain/db/entity-store.js';
import type { EntityRepository } from '../../domain/entity-repository.js';
import { entityView } from '../entity-views.js';
import {
  deleteQuery,
  errorResponses,
  idParams,
  includeQuery,
  jsonPatchBody,
  listOf,
  listQuery,
  nameParams,
  restoreBody,
} from '../schemas/common.js';

export interface CrudOptions {
  readonly repo: () => EntityRepository;
  /** Entity type in messages and references, e.g. `databaseService`. */
  readonly entityType: string;
  readonly createBody: object;
  readonly entitySchema: object;
  /** Who may read (list, get); writes are admin only. */
  readonly readRoles: readonly Role[];
  /** The document to store (plain or masked configs) from a create/PUT body. */
  fromBody(
    app: FastifyInstance,
    body: JsonObject,
    existing?: StoredEntity,
  ): Promise<{ name: string; doc: JsonObject }>;
  /** Top-level fields a JSON Patch may not change. */
  readonly immutable: readonly string[];
  /** Adds derived fields to a view (e.g. a pipeline's service reference). */
  decorate?(app: FastifyInstance, e: StoredEntity, view: JsonObject): Promise<JsonObject> | JsonObject;
  /** Lists the children a delete must handle (`recursive`); non-empty without recursive is a 400. */
  children?(
    app: FastifyInstance,
    e: StoredEntity,
  ): Promise<{ repo: EntityRepository; entity: StoredEntity }[]>;
  /** Entities deleted together with this one, always (a bot's bot user). */
  companions?(
    app: FastifyInstance,
    e: StoredEntity,
  ): Promise<{ repo: EntityRepository; entity: StoredEntity }[]>;
  /** Creates instead of `repo.create` (several rows in one transaction, e.g. a bot and its user). */
  create?(app: FastifyInstance, name: string, doc: JsonObject): Promise<StoredEntity>;
  /** Deletes are always hard (automation workflows, as upstream). */
  readonly alwaysHardDelete?: boolean;
  /** The service a list is narrowed to (pipelines' `?service=`), applied in SQL before paging. */
  listParent?(query: Record<string, unknown>): string | undefined;
}

/** View fields that come from columns or derivation, never from a patch. */
const DERIVED = ['id', 'version', 'updatedAt', 'updatedBy', 'deleted', 'href', 'fullyQualifiedName'];

export function registerCrud(app: FastifyInstance, o: CrudOptions): void {
  const entityResponses = { ...errorResponses, 200: o.entitySchema };
  const roleOf = (r: FastifyRequest): Role => r.principal?.role ?? 'admin';
  const view = async (e: StoredEntity, role: Role) => {
    const v = entityView(app.secretsManager, o.repo().kind, e, role);
    return o.decorate ? o.decorate(app, e, v) : v;
  };

  app.get<{
    Querystring: { limit: number; before?: string; after?: string; include: Include; service?: string };
  }>(
    '/',
    {
      config: { auth: o.readRoles },
      schema: { querystring: listQuery, response: { ...errorResponses, 200: listOf(o.entitySchema) } },
    },
    async (request) => {
      const q = request.query;
      if (q.before !== undefined && q.after !== undefined) {
        throw omsmError('OMSM_ERR_API_INVALID', 'give only one of before and after', { path: 'before' });
      }
      const parent = o.listParent?.(q as Record<string, unknown>);
      const page = await o.repo().list({
        limit: q.limit,
        include: q.include,
        ...(parent === undefined ? {} : { parent }),
        ...(q.before === undefined ? {} : { before: q.before }),
        ...(q.after === undefined ? {} : { after: q.after }),
      });
      const data = await Promise.all(page.rows.map((e) => view(e, roleOf(request))));
      return {
        data,
        paging: {
          total: page.total,
          ...(page.before === undefined ? {} : { before: page.before }),
          ...(page.after === undefined ? {} : { after: page.after }),
        },
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { include: Include } }>(
    '/:id',
    {
      config: { auth: o.readRoles },
      schema: { params: idParams, querystring: includeQuery, response: entityResponses },
    },
    async (request) =>
      view(await o.repo().getById(request.params.id, request.query.include), roleOf(request)),
  );

  app.get<{ Params: { name: string }; Querystring: { include: Include } }>(
    '/name/:name',
    {
      config: { auth: o.readRoles },
      schema: { params: nameParams, querystring: includeQuery, response: entityResponses },
    },
    async (request) =>
      view(await o.repo().getByName(request.params.name, request.query.include), roleOf(request)),
  );

  app.post<{ Body: JsonObject }>(
    '/',
    { schema: { body: o.createBody, response: { ...errorResponses, 201: o.entitySchema } } },
    async (request, reply) => {
      const { name, doc } = await o.fromBody(app, request.body);
      const created = await createOne(name, { ...doc, updatedBy: request.principal?.sub ?? 'admin' });
      reply.status(201);
      return view(created, 'admin');
    },
  );

  app.put<{ Body: JsonObject }>(
    '/',
    { schema: { body: o.createBody, response: { ...entityResponses, 201: o.entitySchema } } },
    async (request, reply) => {
      const name = String(request.body.name);
      const existing = await o.repo().findByName(name, 'all');
      const by = request.principal?.sub ?? 'admin';
      if (!existing) {
        const built = await o.fromBody(app, request.body);
        const created = await createOne(built.name, { ...built.doc, updatedBy: by });
        reply.status(201);
        return view(created, 'admin');
      }
      // Build outside the retry loop only what does not depend on the row; fromBody reads `cur`.
      const updated = await updateWith(existing, async (cur) => {
        const built = await o.fromBody(app, request.body, cur);
        return { doc: { ...built.doc, updatedBy: by }, deleted: false };
      });
      return view(updated, 'admin');
    },
  );

  app.patch<{ Params: { id: string }; Body: jsonpatch.Operation[] }>(
    '/:id',
    { schema: { params: idParams, body: jsonPatchBody, response: entityResponses } },
    async (request) => {
      const current = await o.repo().getById(request.params.id);
      const by = request.principal?.sub ?? 'admin';
      const updated = await updateWith(current, async (cur) => {
        const before = await view(cur, 'admin');
        let after: JsonObject;
        try {
          after = jsonpatch.applyPatch(jsonpatch.deepClone(before), request.body, true, false).newDocument;
        } catch (err) {
          const path = (err as { operation?: { path?: string } }).operation?.path ?? '';
          throw omsmError('OMSM_ERR_API_INVALID', `JSON Patch cannot be applied at "${path.slice(0, 200)}"`, {
            path: 'body',
          });
        }
        for (const f of [...o.immutable, 'name']) {
          if (JSON.stringify(after[f]) !== JSON.stringify(before[f])) {
            throw omsmError('OMSM_ERR_API_INVALID', `${f} cannot be changed`, { path: f });
          }
        }
        const body: JsonObject = {};
        for (const [k, v] of Object.entries(after))
          if (!DERIVED.includes(k) && !o.immutable.includes(k)) body[k] = v;
        for (const f of o.immutable) if (cur.doc[f] !== undefined) body[f] = cur.doc[f]!;
        const built = await o.fromBody(app, { ...body, name: cur.name }, cur);
        return { doc: { ...built.doc, updatedBy: by } };
      });
      return view(updated, 'admin');
    },
  );

  function createOne(name: string, doc: JsonObject): Promise<StoredEntity> {
    return o.create ? o.create(app, name, doc) : o.repo().create(name, doc);
  }

  /** One update, re-built by the writer on a fresh row when another writer got there first. */
  function updateWith(
    current: StoredEntity,
    build: (cur: StoredEntity) => Promise<{ doc: JsonObject; deleted?: boolean }>,
  ): Promise<StoredEntity> {
    return o.repo().update(current, build);
  }

  const remove = async (e: StoredEntity, hardDelete: boolean, recursive: boolean) => {
    const hard = hardDelete || o.alwaysHardDelete === true;
    const kids = (await o.children?.(app, e)) ?? [];
    const live = kids.filter((k) => hard || !k.entity.deleted);
    if (live.length > 0 && !recursive) {
      throw omsmError(
        'OMSM_ERR_API_INVALID',
        `${o.entityType} "${e.name}" is not empty; delete with recursive=true`,
        {
          path: 'recursive',
        },
      );
    }
    const companions = ((await o.companions?.(app, e)) ?? []).filter((k) => hard || !k.entity.deleted);
    for (const k of [...live, ...companions]) {
      if (hard) await k.repo.hardDelete(k.entity);
      else await k.repo.softDelete(k.entity);
    }
    if (hard) {
      await o.repo().hardDelete(e);
      return { ...(await view(e, 'admin')), deleted: true };
    }
    return view(await o.repo().softDelete(e), 'admin');
  };

  app.delete<{ Params: { id: string }; Querystring: { hardDelete: boolean; recursive: boolean } }>(
    '/:id',
    { schema: { params: idParams, querystring: deleteQuery, response: entityResponses } },
    async (request) => {
      const e = await o.repo().getById(request.params.id, 'all');
      return remove(e, request.query.hardDelete, request.query.recursive);
    },
  );

  app.delete<{ Params: { name: string }; Querystring: { hardDelete: boolean; recursive: boolean } }>(
    '/name/:name',
    { schema: { params: nameParams, querystring: deleteQuery, response: entityResponses } },
    async (request) => {
      const e = await o.repo().getByName(request.params.name, 'all');
      return remove(e, request.query.hardDelete, request.query.recursive);
    },
  );

  app.put<{ Body: { id: string } }>(
    '/restore',
    { schema: { body: restoreBody, response: entityResponses } },
    async (request) => {
      const e = await o.repo().getById(request.body.id, 'deleted');
      const restored = await o.repo().update(e, (cur) => ({ doc: cur.doc, deleted: false }));
      // Companions deleted with the entity come back with it (a bot's bot user).
      for (const k of (await o.companions?.(app, restored)) ?? []) {
        if (k.entity.deleted) await k.repo.update(k.entity, (cur) => ({ doc: cur.doc, deleted: false }));
      }
      return view(restored, 'admin');
    },
  );
}
