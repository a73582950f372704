/**
 * @module domain/entity-writer
 *
 * The write path every entity shares, in the order that keeps the database and the secrets
 * provider consistent:
 *
 * 1. validate every config against its schema, and plan each config's secrets (core's write plan:
 *    refused stored forms and masks with nothing to keep fail here, with nothing written);
 * 2. apply the plans (the provider stores the values);
 * 3. write the row(s) in one transaction (conditional on the row version for updates);
 * 4. if 3 fails, undo the plans: delete the Secrets this request created and, on updates, write
 *    back the previous values of Secrets it overwrote. A stale version (another request or server
 *    process changed the row meanwhile) re-runs the whole update on a fresh read, with a short
 *    jittered pause, up to MAX_RACES times: this is the one retry loop for row races;
 * 5. only after the row is committed, commit the plans: delete the Secrets of fields the update
 *    cleared, so a failed update never leaves the old row pointing at a deleted Secret.
 *
 * If even the undo fails (the provider went away between 2 and 4) the leftovers are logged by name
 * and `omsm secrets orphans` finds them; the API answers with the original error.
 */
import { asOmsmError, omsmError } from '../core/errors.js';
import type { Logger } from '../core/logging.js';
import type { JsonObject, SecretsManager } from '../core/secrets/secrets-manager-types.js';
import type { EntityStore, StoredEntity } from './db/entity-store.js';
import { isStale, staleConflict } from './db/entity-store.js';
import type { ConfigValidator } from './config-validator.js';
import { configAt, type EntityKind, type SecretSlot, withConfigAt } from './kinds.js';
import type { WritePlan, WritePlanOptions } from '../core/secrets/write-plan.js';

export interface WriterContext {
  readonly store: EntityStore;
  readonly secrets: SecretsManager;
  readonly validator: ConfigValidator;
  readonly log?: Pick<Logger, 'warn' | 'error'>;
}

/** A new entity to insert. */
export interface NewEntity {
  readonly kind: EntityKind;
  readonly id: string;
  readonly name: string;
  readonly doc: JsonObject;
}

/** Fresh reads and re-applications before a contended update gives up with 409. */
const MAX_RACES = 10;

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

/** The configs of a document, each with its write plan over the previous document's. */
interface PlannedSlot {
  readonly slot: SecretSlot;
  readonly plan: WritePlan;
}

function planOptions(ctx: WriterContext, slot: SecretSlot, hint: 'new' | 'existing'): WritePlanOptions {
  return {
    hint,
    at: slot.pointer.join('.'),
    onLeftover: (err, secretName, what) =>
      ctx.log?.[what === 'delete' ? 'warn' : 'error'](
        { err, secretName },
        what === 'delete'
          ? 'could not delete a secret; it is left as an orphan'
          : 'could not write back a secret after a failed request',
      ),
  };
}

/** Applies every plan in order and returns the document to persist. */
async function applyAll(doc: JsonObject, planned: readonly PlannedSlot[]): Promise<JsonObject> {
  let out = doc;
  for (const { slot, plan } of planned) out = withConfigAt(out, slot.pointer, await plan.apply());
  return out;
}

async function undoAll(planned: readonly PlannedSlot[]): Promise<void> {
  for (const { plan } of planned) await plan.undo();
}

async function commitAll(planned: readonly PlannedSlot[]): Promise<void> {
  for (const { plan } of planned) await plan.commit();
}

/**
 * Inserts entities (one transaction) after storing their secrets; on any failure deletes the
 * secrets this request created.
 * @throws OmsmError API_INVALID, SECRET_INVALID, SECRET_FOREIGN_REFERENCE (nothing written),
 *   API_CONFLICT (name taken; checked before any secret is written), SECRET_* from the provider,
 *   DB_UNAVAILABLE.
 */
export async function createEntities(
  ctx: WriterContext,
  items: readonly NewEntity[],
): Promise<StoredEntity[]> {
  const plans = items.map((it) =>
    validateSlots(ctx, it.kind, it.doc, it.name).map((slot) => ({
      slot,
      plan: ctx.secrets.planWrite(
        slot.scope,
        configAt(it.doc, slot.pointer)!,
        undefined,
        planOptions(ctx, slot, 'new'),
      ),
    })),
  );
  // A name already taken must fail before its secrets (same names as the existing entity's) are
  // touched; the unique key still catches a concurrent create (see the conflict note below).
  for (const it of items) {
    if (await ctx.store.findByName(it.kind.kind, it.name)) {
      throw omsmError('OMSM_ERR_API_CONFLICT', `${it.kind.kind} "${it.name}" already exists`, {
        path: 'name',
      });
    }
  }
  const all = plans.flat();
  try {
    const rows: StoredEntity[] = [];
    for (const [i, it] of items.entries()) {
      const now = Date.now();
      rows.push({
        id: it.id,
        kind: it.kind.kind,
        name: it.name,
        version: 1,
        deleted: false,
        updatedAt: now,
        doc: await applyAll(it.doc, plans[i]!),
      });
    }
    await ctx.store.transaction(async (tx) => {
      for (const row of rows) await tx.insert(row);
    });
    return rows;
  } catch (err) {
    // A unique violation here means a concurrent create of the same name won the race: its row
    // references these very Secret names, so they are left in place.
    if (asOmsmError(err)?.code !== 'OMSM_ERR_API_CONFLICT') await undoAll(all);
    throw err;
  }
}

/** What an update wants the row to become, built from the row as it is now. */
export type UpdateBuild = (
  current: StoredEntity,
) => { doc: JsonObject; deleted?: boolean } | Promise<{ doc: JsonObject; deleted?: boolean }>;

/**
 * Replaces an entity by `build(current)` (the masked or plain document the client wants),
 * re-running `build` on a fresh read when another writer changed the row meanwhile.
 * @throws OmsmError API_NOT_FOUND when the entity vanished, API_CONFLICT after repeated races, and
 *   what createEntities throws.
 */
export async function updateEntity(
  ctx: WriterContext,
  kind: EntityKind,
  current: StoredEntity,
  build: UpdateBuild,
): Promise<StoredEntity> {
  let cur = current;
  for (let attempt = 0; ; attempt++) {
    const next = await build(cur);
    try {
      return await updateOnce(ctx, kind, cur, next.doc, next.deleted ?? cur.deleted);
    } catch (err) {
      if (!isStale(err)) throw err;
      if (attempt >= MAX_RACES) throw staleConflict(cur.kind, cur.name);
      // Jittered pause so replicas racing on one row do not collide in lockstep.
      await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
      const fresh = await ctx.store.findById(cur.kind, cur.id, 'all');
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
  const planned: PlannedSlot[] = slots.map((slot) => ({
    slot,
    plan: ctx.secrets.planWrite(
      slot.scope,
      configAt(nextDoc, slot.pointer)!,
      configAt(cur.doc, slot.pointer),
      planOptions(ctx, slot, 'existing'),
    ),
  }));
  // Secrets of a slot that disappeared entirely (its config removed from the document).
  for (const old of kind.slots(cur.doc, cur.name)) {
    if (!slots.some((s) => s.pointer.join('.') === old.pointer.join('.'))) {
      planned.push({ slot: old, plan: ctx.secrets.planRemoval(old.scope, configAt(cur.doc, old.pointer)!) });
    }
  }
  let updated: StoredEntity;
  try {
    const doc = await applyAll(nextDoc, planned);
    updated = await ctx.store.update(cur, { name: cur.name, deleted, doc, updatedAt: Date.now() });
  } catch (err) {
    await undoAll(planned);
    throw err;
  }
  await commitAll(planned);
  return updated;
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

/** Deletes every secret of its own that an entity's stored document points at. */
export async function deleteSecretsOf(ctx: WriterContext, kind: EntityKind, e: StoredEntity): Promise<void> {
  for (const slot of kind.slots(e.doc, e.name)) {
    const cfg = configAt(e.doc, slot.pointer);
    if (cfg) await ctx.secrets.planRemoval(slot.scope, cfg).commit();
  }
}
