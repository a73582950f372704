/**
 * @module ops/migrate/holders-db
 *
 * The migration's `SecretHolderSource` over the server's entity database: streams every
 * secret-holding entity (services of every type, bot users, ingestion pipelines, automation
 * workflows; soft-deleted ones too, since their secrets still exist) a page at a time in a stable
 * order, and rewrites fields with the server's version-checked update. A stale version (the server
 * changed the row meanwhile) is re-read and each field re-checked, so a concurrent edit is never
 * overwritten and never lost.
 */
import { omsmError } from '../../core/errors.js';
import { getAt, setAt } from '../../core/masking/mask.js';
import type { JsonObject } from '../../core/secrets/secrets-manager-types.js';
import { type EntityStore, isStale, type StoredEntity } from '../../server/db/entity-store.js';
import { configAt, type EntityKind, SECRET_HOLDING_KINDS } from '../../server/entities/kinds.js';
import type {
  ChangeOutcome,
  EntityType,
  FieldChange,
  SecretHolder,
  SecretHolderSource,
} from './migrate-types.js';

const MAX_STALE_RETRIES = 8;

function typeOf(kind: string): EntityType {
  if (kind.endsWith('Service')) return 'service';
  if (kind === 'user' || kind === 'bot') return 'bot';
  if (kind === 'ingestionPipeline') return 'pipeline';
  return 'workflow';
}

/** Migration order, as upstream: services, then bot users, then pipelines, then workflows. */
function groups(kinds: readonly EntityKind[]): EntityKind[][] {
  const order: EntityType[] = ['service', 'bot', 'pipeline', 'workflow'];
  return order.map((t) => kinds.filter((k) => typeOf(k.kind) === t)).filter((g) => g.length > 0);
}

export interface DbHolderSourceOptions {
  readonly store: EntityStore;
  /** Default: every secret-holding kind the server knows. */
  readonly kinds?: readonly EntityKind[];
  readonly now?: () => number;
}

/** @throws OmsmError DB_UNAVAILABLE from its methods when the database fails. */
export function dbHolderSource(options: DbHolderSourceOptions): SecretHolderSource {
  const { store } = options;
  const kinds = options.kinds ?? SECRET_HOLDING_KINDS;
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  const rows = new WeakMap<SecretHolder, StoredEntity>();
  const now = options.now ?? Date.now;

  const toHolder = (e: StoredEntity): SecretHolder => {
    const kind = byKind.get(e.kind);
    const sections = (kind?.slots(e.doc, e.name) ?? []).flatMap((slot) => {
      const config = configAt(e.doc, slot.pointer);
      return config ? [{ scope: slot.scope, at: slot.pointer, config }] : [];
    });
    const holder: SecretHolder = { type: typeOf(e.kind), kind: e.kind, id: e.id, name: e.name, sections };
    rows.set(holder, e);
    return holder;
  };

  return {
    async *pages(pageSize) {
      for (const group of groups(kinds)) {
        for await (const page of store.scan(
          group.map((k) => k.kind),
          pageSize,
        )) {
          yield page.map(toHolder);
        }
      }
    },
    async count() {
      let n = 0;
      for (const k of kinds) n += (await store.list(k.kind, { limit: 1, include: 'all' })).total;
      return n;
    },
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
          const next = await store.update(current, {
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
