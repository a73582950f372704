/**
 * @module domain/secret-holders
 *
 * The stable repository API for tools that work on every stored secret (`omsm migrate-secrets`,
 * orphan reports): stream each secret-holding entity page by page with the EntityScope and stored
 * config of each of its secret slots, and conditionally replace one stored config.
 *
 * Contract (kept stable; add, never change):
 * - `streamSecretHolders(store, {pageSize})` yields pages of `SecretHolder` in migration order:
 *   services (every type), bot users, ingestion pipelines, automation workflows; soft-deleted
 *   entities included (their secrets still exist). Memory is bounded by one page.
 * - `SecretHolder.slots[i].config` is the stored config (password fields hold stored forms:
 *   `secret:<name>`, `fernet:<token>`, or a plain legacy value) and `.scope` is what
 *   `SecretsManager.encrypt/resolve/deleteAll` take for it.
 * - `replaceSlotConfig(store, holder, pointer, config)` writes one slot's config if the row still
 *   has `holder.version`; it returns `'updated'` with the new version, or `'stale'` when someone
 *   changed the row meanwhile (re-read with `readSecretHolder` and decide again), or `'gone'`.
 */
import type { EntityScope, JsonObject } from '../core/secrets/secrets-manager-types.js';
import { configAt, type EntityKind, SECRET_HOLDING_KINDS, withConfigAt } from './kinds.js';
import { type EntityStore, isStale, type StoredEntity } from './db/entity-store.js';

export interface SecretSlotConfig {
  /** Property names from the document root to the config, e.g. `['connection', 'config']`. */
  readonly pointer: readonly string[];
  readonly scope: EntityScope;
  readonly config: JsonObject;
}

export interface SecretHolder {
  readonly kind: string;
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly deleted: boolean;
  readonly slots: readonly SecretSlotConfig[];
}

const byKind = new Map<string, EntityKind>(SECRET_HOLDING_KINDS.map((k) => [k.kind, k]));

/** The holder view of a stored entity (no slots for kinds without secrets). */
export function toSecretHolder(e: StoredEntity): SecretHolder {
  const kind = byKind.get(e.kind);
  const slots = (kind?.slots(e.doc, e.name) ?? []).flatMap((slot) => {
    const config = configAt(e.doc, slot.pointer);
    return config ? [{ pointer: slot.pointer, scope: slot.scope, config }] : [];
  });
  return { kind: e.kind, id: e.id, name: e.name, version: e.version, deleted: e.deleted, slots };
}

/**
 * Every secret-holding entity, a page at a time, in migration order.
 * @throws OmsmError DB_UNAVAILABLE.
 */
export async function* streamSecretHolders(
  store: EntityStore,
  options: { pageSize?: number; kinds?: readonly string[] } = {},
): AsyncGenerator<SecretHolder[]> {
  const kinds = options.kinds ?? SECRET_HOLDING_KINDS.map((k) => k.kind);
  for (const kind of kinds) {
    for await (const page of store.scan([kind], options.pageSize ?? 200)) {
      yield page.map(toSecretHolder).filter((h) => h.slots.length > 0);
    }
  }
}

/** The current holder of `kind`/`id`, or undefined when the entity is gone. @throws DB_UNAVAILABLE. */
export async function readSecretHolder(
  store: EntityStore,
  kind: string,
  id: string,
): Promise<SecretHolder | undefined> {
  const e = await store.findById(kind, id, 'all');
  return e ? toSecretHolder(e) : undefined;
}

/**
 * Replaces the config at `pointer` if the entity still has `holder.version`.
 * @throws OmsmError DB_UNAVAILABLE (a stale version is a result, not an error).
 */
export async function replaceSlotConfig(
  store: EntityStore,
  holder: Pick<SecretHolder, 'kind' | 'id' | 'version'>,
  pointer: readonly string[],
  config: JsonObject,
): Promise<{ outcome: 'updated'; version: number } | { outcome: 'stale' | 'gone' }> {
  const current = await store.findById(holder.kind, holder.id, 'all');
  if (!current) return { outcome: 'gone' };
  if (current.version !== holder.version) return { outcome: 'stale' };
  try {
    const next = await store.update(current, {
      name: current.name,
      deleted: current.deleted,
      doc: withConfigAt(current.doc, pointer, config),
      updatedAt: Date.now(),
    });
    return { outcome: 'updated', version: next.version };
  } catch (err) {
    if (isStale(err)) return { outcome: 'stale' };
    throw err;
  }
}
