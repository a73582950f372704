/**
 * @module ops/migrate/holders-db
 *
 * The migration's `SecretHolderSource` over the entity database: the domain's secret-holder stream
 * (domain/secret-holders.ts: every secret-holding kind of the registry, in migration order,
 * soft-deleted entities too, since their secrets still exist), and field rewrites with the store's
 * version-checked update. A stale version (the server
 * changed the row meanwhile) is re-read and each field re-checked, so a concurrent edit is never
 * overwritten and never lost.
 *
 * Rewrites that arrive together are committed together (group commit): one transaction per batch
 * instead of one autocommit (and one WAL sync) per entity. A rewrite still resolves only after its
 * transaction committed, so the apply order (target written, read back, then the database rewrite
 * confirmed, then any source deletion) and the crash safety it gives are unchanged: a kill before
 * the commit leaves every field of the batch in its source form, and a re-run redoes them.
 */
import { omsmError } from '../../core/errors.js';
import { getAt, setAt } from '../../core/masking/mask.js';
import type { JsonObject } from '../../core/secrets/secrets-manager-types.js';
import { type EntityStore, isStale, type StoredEntity } from '../../domain/db/entity-store.js';
import { type EntityKind, SECRET_HOLDING_KINDS } from '../../domain/kinds.js';
import { countSecretHolders, streamSecretHolderRows } from '../../domain/secret-holders.js';
import type { ChangeOutcome, FieldChange, SecretHolder, SecretHolderSource } from './migrate-types.js';

const MAX_STALE_RETRIES = 8;

export interface DbHolderSourceOptions {
  readonly store: EntityStore;
  /** Default: every secret-holding kind the server knows. */
  readonly kinds?: readonly EntityKind[];
  readonly now?: () => number;
}

type EntityUpdate = Parameters<EntityStore['update']>[1];

interface QueuedUpdate {
  readonly current: StoredEntity;
  readonly next: EntityUpdate;
  readonly resolve: (e: StoredEntity) => void;
  readonly reject: (err: unknown) => void;
}

/** Most updates committed in one transaction. */
const MAX_BATCH = 256;

/**
 * Version-checked updates, committed in batches: everything queued while the previous batch was
 * being written goes into the next transaction. A stale row fails only its own update (the caller
 * re-reads it); any other database error rolls the batch back and fails each of its updates.
 */
function batchedUpdates(
  store: EntityStore,
): (current: StoredEntity, next: EntityUpdate) => Promise<StoredEntity> {
  let queue: QueuedUpdate[] = [];
  let draining = false;

  const writeBatch = async (batch: readonly QueuedUpdate[]): Promise<void> => {
    const results: ({ ok: true; value: StoredEntity } | { ok: false; err: unknown })[] = [];
    try {
      await store.transaction(async (tx) => {
        for (const u of batch) {
          try {
            results.push({ ok: true, value: await tx.update(u.current, u.next) });
          } catch (err) {
            if (!isStale(err)) throw err;
            results.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      for (const u of batch) u.reject(err);
      return;
    }
    for (const [i, u] of batch.entries()) {
      const r = results[i]!;
      if (r.ok) u.resolve(r.value);
      else u.reject(r.err);
    }
  };

  const drain = async (): Promise<void> => {
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_BATCH);
        queue = queue.slice(MAX_BATCH);
        await writeBatch(batch);
      }
    } finally {
      draining = false;
    }
  };

  return (current, next) =>
    new Promise<StoredEntity>((resolve, reject) => {
      queue.push({ current, next, resolve, reject });
      if (draining) return;
      draining = true;
      // Wait for the rest of this turn's completions, so they share the transaction.
      setImmediate(() => void drain());
    });
}

/** @throws OmsmError DB_UNAVAILABLE from its methods when the database fails. */
export function dbHolderSource(options: DbHolderSourceOptions): SecretHolderSource {
  const { store } = options;
  const kinds = options.kinds ?? SECRET_HOLDING_KINDS;
  // The row each holder was read from: its rewrite is checked against that row's version.
  const rows = new WeakMap<SecretHolder, StoredEntity>();
  const now = options.now ?? Date.now;
  const update = batchedUpdates(store);

  return {
    async *pages(pageSize) {
      for await (const page of streamSecretHolderRows(store, { kinds, pageSize })) {
        yield page.map(({ holder, row }) => {
          rows.set(holder, row);
          return holder;
        });
      }
    },
    count: () => countSecretHolders(store, kinds),
    async rewrite(holder, changes: readonly FieldChange[]): Promise<ChangeOutcome[]> {
      let current: StoredEntity | undefined = rows.get(holder);
      if (!current)
        throw omsmError(
          'OMSM_ERR_INTERNAL',
          `holder ${holder.kind} "${holder.name}" was not read by this source`,
        );
      for (let attempt = 0; ; attempt++) {
        if (!current) return changes.map(() => 'gone');
        const doc = structuredClone(current.doc) as JsonObject;
        const outcomes = changes.map((c): ChangeOutcome => {
          const have = getAt(doc, c.path);
          if (have === c.next) return 'already';
          if (have !== c.expected) return 'changed';
          setAt(doc, c.path, c.next);
          return 'updated';
        });
        if (!outcomes.includes('updated')) return outcomes;
        try {
          const next = await update(current, {
            name: current.name,
            deleted: current.deleted,
            doc,
            updatedAt: now(),
          });
          rows.set(holder, next);
          return outcomes;
        } catch (err) {
          if (!isStale(err) || attempt >= MAX_STALE_RETRIES) throw err;
          current = await store.findById(current.kind, current.id, 'all');
        }
      }
    },
  };
}
