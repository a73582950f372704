/**
 * @module domain/secret-bookkeeping
 *
 * What the entity writer needs to undo a failed write: which Secrets a write will touch (known
 * before the first provider call, since `SecretsManager.encrypt` does not undo its own earlier
 * stores when a later one fails), which are omsm's own (a `secret:` reference a user typed in is
 * never deleted), and the best-effort undo itself.
 */
import { toReference } from '../core/naming/reference.js';
import { type SecretId, secretId } from '../core/naming/secret-name.js';
import type { FieldPath, JsonObject, JsonValue } from '../core/secrets/secrets-manager-types.js';
import { MASK } from '../core/secrets/secrets-manager-types.js';
import type { WriterContext } from './entity-writer.js';
import type { SecretSlot } from './kinds.js';

/**
 * A Secret a write may touch: computed before the first backend call, so a failure half-way
 * through `encrypt` (which does not undo its own earlier stores) can still be undone.
 */
export interface Touch {
  readonly id: SecretId;
  readonly stored: string;
  /** Present when the Secret already held this entity's previous value (overwritten in place). */
  readonly restore?: {
    readonly slot: SecretSlot;
    readonly prev: JsonObject;
    readonly path: FieldPath;
    value?: string;
  };
}

export function touches(
  ctx: WriterContext,
  slot: SecretSlot,
  next: JsonObject,
  prev: JsonObject | undefined,
): Touch[] {
  if (ctx.secrets.provider.inline) return [];
  const out: Touch[] = [];
  for (const path of ctx.secrets.passwordPaths(slot.scope.schema, next)) {
    const v = getAt(next, path);
    if (typeof v !== 'string' || v === '' || v === MASK || v.startsWith('secret:')) continue;
    const id = secretId(ctx.naming, [...slot.scope.parts, ...path.map(String)]);
    const stored = toReference(id.name);
    const before = prev ? getAt(prev, path) : undefined;
    out.push(before === stored ? { id, stored, restore: { slot, prev: prev!, path } } : { id, stored });
  }
  return out;
}

/** A Secret omsm wrote for this very field (a reference the user typed in is not). */
export interface Owned {
  readonly stored: string;
  readonly id: SecretId;
}

export function ownSecret(
  ctx: WriterContext,
  slot: SecretSlot,
  path: FieldPath,
  stored: JsonValue | undefined,
): Owned | undefined {
  if (typeof stored !== 'string' || !stored.startsWith('secret:')) return undefined;
  const id = secretId(ctx.naming, [...slot.scope.parts, ...path.map(String)]);
  return stored === toReference(id.name) ? { stored, id } : undefined;
}

/**
 * Previous secrets an update clears: omsm's own are deleted only after the row is committed;
 * a user's reference to their own Secret is dropped from the row and never deleted.
 */
export function planClears(ctx: WriterContext, slot: SecretSlot, prev: JsonObject, next: JsonObject) {
  const cleared: Owned[] = [];
  let previousWithoutCleared = prev;
  for (const path of ctx.secrets.passwordPaths(slot.scope.schema, prev)) {
    const stored = getAt(prev, path);
    if (typeof stored !== 'string' || !stored.startsWith('secret:')) continue;
    const v = getAt(next, path);
    if (v === undefined || v === null || v === '') {
      const own = ownSecret(ctx, slot, path, stored);
      if (own) cleared.push(own);
      previousWithoutCleared = setAt(previousWithoutCleared, path, null);
    }
  }
  return { cleared, previousWithoutCleared };
}

/** Best-effort compensation: delete new secrets, write back overwritten ones. Never throws. */
export async function undo(ctx: WriterContext, touched: readonly Touch[]): Promise<void> {
  for (const t of touched) {
    try {
      if (!t.restore) {
        // With the id, the provider refuses to delete a Secret another entity owns.
        await ctx.secrets.provider.delete(t.stored, t.id);
      } else if (t.restore.value !== undefined) {
        await ctx.secrets.provider.store(t.id, t.restore.value, { hint: 'existing' });
      }
    } catch (err) {
      ctx.log?.error({ err, secretName: t.stored }, 'could not undo a secret write after a failed request');
    }
  }
}

export function getAt(obj: JsonValue | undefined, path: FieldPath): JsonValue | undefined {
  let v: JsonValue | undefined = obj;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, JsonValue>)[p];
  }
  return v;
}

export function setAt(obj: JsonObject, path: FieldPath, value: JsonValue): JsonObject {
  if (path.length === 0) return obj;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy: JsonObject | JsonValue[] = Array.isArray(obj) ? [...obj] : { ...obj };
  const child = (copy as Record<string | number, JsonValue>)[head];
  (copy as Record<string | number, JsonValue>)[head] =
    rest.length === 0
      ? value
      : setAt(child !== null && typeof child === 'object' ? (child as JsonObject) : {}, rest, value);
  return copy as JsonObject;
}
