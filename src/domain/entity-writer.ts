/**
 * @module domain/entity-writer
 *
 * The write path every entity shares, in the order that keeps the database and the secrets
 * provider consistent:
 *
 * 1. validate every config against its schema (nothing written yet);
 * 2. store the secrets (`SecretsManager.encrypt`, hint `new` on create, `existing` on update);
 * 3. write the row(s) in one transaction (conditional on the row version for updates);
 * 4. if 3 fails, undo 2: delete the Secrets this request created and, on updates, write back the
 *    previous values of Secrets it overwrote (read before step 2). A stale version (another request
 *    or server process changed the row meanwhile) re-runs the whole update on a fresh read;
 * 5. only after the row is committed, delete the Secrets of fields the update cleared, so a failed
 *    update never leaves the old row pointing at a deleted Secret.
 *
 * If even the undo fails (the provider went away between 2 and 4) the leftovers are logged by name
 * and `omsm secrets orphans` finds them; the API answers with the original error.
 */
import { asOmsmError, omsmError } from '../core/errors.js';
import type { Logger } from '../core/logging.js';
import type { NamingContext } from '../core/naming/secret-name.js';
import type { JsonObject, SecretsManager } from '../core/secrets/secrets-manager-types.js';
import type { EntityStore, StoredEntity } from './db/entity-store.js';
import { isStale } from './db/entity-store.js';
import type { ConfigValidator } from './config-validator.js';
import { configAt, type EntityKind, type SecretSlot, withConfigAt } from './kinds.js';
import { getAt, type Owned, ownSecret, planClears, type Touch, touches, undo } from './secret-bookkeeping.js';

export { getAt };

export interface WriterContext {
  readonly store: EntityStore;
  readonly secrets: SecretsManager;
  readonly validator: ConfigValidator;
  /** prefix and clusterName: to know, before writing, which Secret names a write will touch. */
  readonly naming: NamingContext;
  readonly log?: Pick<Logger, 'warn' | 'error'>;
}

/** A new entity to insert. */
export interface NewEntity {
  readonly kind: EntityKind;
  readonly id: string;
  readonly name: string;
  readonly doc: JsonObject;
}

const MAX_ATTEMPTS = 5;

/** Validates every secret-holding config of `doc`. @throws OmsmError API_INVALID. */
export function validateSlots(
  ctx: WriterContext,
  kind: EntityKind,
  doc: JsonObject,
  name: string,
): SecretSlot[] {
  const slots = kind.slots(doc, name);
  for (const slot of slots) {
    ctx.validator.validate(slot.scope.schema, configAt(doc, slot.pointer)!, slot.pointer.join('.'));
  }
  return slots;
}

/**
 * Inserts entities (one transaction) after storing their secrets; on any failure deletes the
 * secrets this request created.
 * @throws OmsmError API_INVALID (nothing written), API_CONFLICT (name taken; checked before any
 *   secret is written), SECRET_* from the provider, DB_UNAVAILABLE.
 */
export async function createEntities(
  ctx: WriterContext,
  items: readonly NewEntity[],
): Promise<StoredEntity[]> {
  const slotsOf = items.map((it) => validateSlots(ctx, it.kind, it.doc, it.name));
  // A name already taken must fail before its secrets (same names as the existing entity's) are
  // touched; the unique key still catches a concurrent create (see the conflict note below).
  for (const it of items) {
    if (await ctx.store.findByName(it.kind.kind, it.name)) {
      throw omsmError('OMSM_ERR_API_CONFLICT', `${it.kind.kind} "${it.name}" already exists`, {
        path: 'name',
      });
    }
  }
  const touched: Touch[] = [];
  try {
    const rows: StoredEntity[] = [];
    for (const [i, it] of items.entries()) {
      let doc = it.doc;
      for (const slot of slotsOf[i]!) {
        const config = configAt(doc, slot.pointer)!;
        touched.push(...touches(ctx, slot, config, undefined));
        const res = await ctx.secrets.encrypt(slot.scope, config, undefined, { hint: 'new' });
        doc = withConfigAt(doc, slot.pointer, res.config);
      }
      const now = Date.now();
      rows.push({
        id: it.id,
        kind: it.kind.kind,
        name: it.name,
        version: 1,
        deleted: false,
        updatedAt: now,
        doc,
      });
    }
    await ctx.store.transaction(async (tx) => {
      for (const row of rows) await tx.insert(row);
    });
    return rows;
  } catch (err) {
    // A unique violation here means a concurrent create of the same name won the race: its row
    // references these very Secret names, so they are left in place.
    if (asOmsmError(err)?.code !== 'OMSM_ERR_API_CONFLICT') await undo(ctx, touched);
    throw err;
  }
}

/**
 * Replaces an entity by `build(current)` (the masked or plain document the client wants),
 * re-running on a fresh read when another writer changed the row meanwhile.
 * @throws OmsmError API_NOT_FOUND when the entity vanished, API_CONFLICT after repeated races, and
 *   what createEntities throws.
 */
export async function updateEntity(
  ctx: WriterContext,
  kind: EntityKind,
  current: StoredEntity,
  build: (current: StoredEntity) => { doc: JsonObject; deleted?: boolean },
): Promise<StoredEntity> {
  let cur = current;
  for (let attempt = 1; ; attempt++) {
    const next = build(cur);
    try {
      return await updateOnce(ctx, kind, cur, next.doc, next.deleted ?? cur.deleted);
    } catch (err) {
      if (!isStale(err) || attempt >= MAX_ATTEMPTS) throw err;
      const fresh = await ctx.store.findById(cur.kind, cur.id);
      if (!fresh) throw omsmError('OMSM_ERR_API_NOT_FOUND', `${cur.kind} "${cur.name}" not found`);
      cur = fresh;
    }
  }
}

async function updateOnce(
  ctx: WriterContext,
  kind: EntityKind,
  cur: StoredEntity,
  nextDoc: JsonObject,
  deleted: boolean,
): Promise<StoredEntity> {
  const slots = validateSlots(ctx, kind, nextDoc, cur.name);
  const touched: Touch[] = [];
  const clearLater: Owned[] = [];
  let doc = nextDoc;
  try {
    for (const slot of slots) {
      const next = configAt(doc, slot.pointer)!;
      const prev = configAt(cur.doc, slot.pointer);
      let prevForEncrypt: JsonObject | undefined = prev;
      if (prev && !ctx.secrets.provider.inline) {
        const plan = planClears(ctx, slot, prev, next);
        clearLater.push(...plan.cleared);
        prevForEncrypt = plan.previousWithoutCleared;
        for (const t of touches(ctx, slot, next, prev)) {
          // Read what an overwritten Secret holds now, to write it back if the row update fails.
          if (t.restore) t.restore.value = await ctx.secrets.provider.get(t.stored);
          touched.push(t);
        }
      }
      const res = await ctx.secrets.encrypt(slot.scope, next, prevForEncrypt, { hint: 'existing' });
      doc = withConfigAt(doc, slot.pointer, res.config);
    }
    // Secrets of a slot that disappeared entirely (its config removed from the document).
    for (const old of kind.slots(cur.doc, cur.name)) {
      if (!slots.some((s) => s.pointer.join('.') === old.pointer.join('.'))) {
        const prev = configAt(cur.doc, old.pointer)!;
        for (const p of ctx.secrets.passwordPaths(old.scope.schema, prev)) {
          const own = ownSecret(ctx, old, p, getAt(prev, p));
          if (own) clearLater.push(own);
        }
      }
    }
    const updated = await ctx.store.update(cur, { name: cur.name, deleted, doc, updatedAt: Date.now() });
    for (const { stored, id } of clearLater) {
      await ctx.secrets.provider.delete(stored, id).catch((err: unknown) => {
        ctx.log?.warn(
          { err, secretName: stored },
          'could not delete a cleared secret; it is left as an orphan',
        );
      });
    }
    return updated;
  } catch (err) {
    await undo(ctx, touched);
    throw err;
  }
}

/**
 * Hard delete: the entity's secrets first (idempotent), then the row. A failure half-way leaves the
 * row, so repeating the DELETE finishes the job; no Secret is ever left without its entity.
 * @throws OmsmError SECRET_* from the provider, API_CONFLICT (stale), DB_UNAVAILABLE.
 */
export async function hardDeleteEntity(
  ctx: WriterContext,
  kind: EntityKind,
  current: StoredEntity,
): Promise<void> {
  await deleteSecretsOf(ctx, kind, current);
  await ctx.store.remove(current);
}

/** Deletes every secret an entity's stored document points at. */
export async function deleteSecretsOf(ctx: WriterContext, kind: EntityKind, e: StoredEntity): Promise<void> {
  for (const slot of kind.slots(e.doc, e.name)) {
    const cfg = configAt(e.doc, slot.pointer);
    if (cfg) await ctx.secrets.deleteAll(slot.scope, cfg);
  }
}
