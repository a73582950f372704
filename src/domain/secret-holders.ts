/**
 * @module domain/secret-holders
 *
 * The one secret-holder API for tools that work on every stored secret (`omsm migrate-secrets`,
 * orphan reports): stream each secret-holding entity page by page with the EntityScope and stored
 * config of each of its secret slots (as the kinds registry declares them).
 *
 * Contract (kept stable; add, never change):
 * - `streamSecretHolders(store, {pageSize})` yields pages of `SecretHolder` in migration order
 *   (ENTITY_GROUPS: services of every type, bot users, ingestion pipelines, automation workflows;
 *   the kinds of one group in one stable scan); soft-deleted entities included (their secrets still
 *   exist). Memory is bounded by one page.
 * - `SecretHolder.slots[i].config` is the stored config (password fields hold stored forms:
 *   `secret:<name>`, `fernet:<token>`, or a plain legacy value) and `.scope` is what
 *   `SecretsManager.encrypt/resolve/deleteAll` take for it.
 * - Writing back is the tool's own concern (migrate-secrets rewrites single fields in batched,
 *   version-checked transactions: ops/migrate/holders-db.ts), on `EntityStore.update`.
 */
import { omsmError } from '../core/errors.js';
import type { EntityScope, JsonObject } from '../core/secrets/secrets-manager-types.js';
import {
  configAt,
  ENTITY_GROUPS,
  type EntityGroup,
  type EntityKind,
  entityKind,
  SECRET_HOLDING_KINDS,
} from './kinds.js';
import type { EntityStore, StoredEntity } from './db/entity-store.js';

export interface SecretSlotConfig {
  /** Property names from the document root to the config, e.g. `['connection', 'config']`. */
  readonly pointer: readonly string[];
  readonly scope: EntityScope;
  readonly config: JsonObject;
}

export interface SecretHolder {
  /** The kind's migration group (registry), for ordering and reports. */
  readonly group: EntityGroup;
  /** Storage kind (e.g. `databaseService`). */
  readonly kind: string;
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly deleted: boolean;
  readonly slots: readonly SecretSlotConfig[];
}

/**
 * The holder view of a stored entity (no slots for kinds without secrets).
 * @throws OmsmError INTERNAL for a kind the registry does not know.
 */
export function toSecretHolder(e: StoredEntity): SecretHolder {
  const kind = entityKind(e.kind);
  if (!kind) throw omsmError('OMSM_ERR_INTERNAL', `entity kind "${e.kind}" is not in the kinds registry`);
  const slots = kind.slots(e.doc, e.name).flatMap((slot) => {
    const config = configAt(e.doc, slot.pointer);
    return config ? [{ pointer: slot.pointer, scope: slot.scope, config }] : [];
  });
  return {
    group: kind.group,
    kind: e.kind,
    id: e.id,
    name: e.name,
    version: e.version,
    deleted: e.deleted,
    slots,
  };
}

export interface StreamOptions {
  /** Entities per page (default 200). */
  readonly pageSize?: number;
  /** Default: every secret-holding kind of the registry. */
  readonly kinds?: readonly EntityKind[];
  /** Also yield holders none of whose slots is present (migration counts every entity). */
  readonly withEmpty?: boolean;
}

/** The kinds in migration order: one group after the other. */
export function migrationGroups(kinds: readonly EntityKind[] = SECRET_HOLDING_KINDS): EntityKind[][] {
  return ENTITY_GROUPS.map((g) => kinds.filter((k) => k.group === g)).filter((g) => g.length > 0);
}

/**
 * Every secret-holding entity with the row it was read from (for a tool that writes back with a
 * version check), a page at a time, in migration order; holders without slots included.
 * @throws OmsmError DB_UNAVAILABLE.
 */
export async function* streamSecretHolderRows(
  store: EntityStore,
  options: Omit<StreamOptions, 'withEmpty'> = {},
): AsyncGenerator<{ holder: SecretHolder; row: StoredEntity }[]> {
  for (const group of migrationGroups(options.kinds)) {
    for await (const page of store.scan(
      group.map((k) => k.kind),
      options.pageSize ?? 200,
    )) {
      yield page.map((row) => ({ holder: toSecretHolder(row), row }));
    }
  }
}

/**
 * Every secret-holding entity, a page at a time, in migration order.
 * @throws OmsmError DB_UNAVAILABLE.
 */
export async function* streamSecretHolders(
  store: EntityStore,
  options: StreamOptions = {},
): AsyncGenerator<SecretHolder[]> {
  for await (const page of streamSecretHolderRows(store, options)) {
    const holders = page.map((p) => p.holder);
    yield options.withEmpty ? holders : holders.filter((h) => h.slots.length > 0);
  }
}

/** How many entities `streamSecretHolders` reads (for progress). @throws DB_UNAVAILABLE. */
export async function countSecretHolders(
  store: EntityStore,
  kinds: readonly EntityKind[] = SECRET_HOLDING_KINDS,
): Promise<number> {
  let n = 0;
  for (const k of kinds) n += (await store.list(k.kind, { limit: 1, include: 'all' })).total;
  return n;
}
