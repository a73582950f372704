/**
 * @module test/support/migrate-fakes
 *
 * Small in-process stand-ins for the engine's unit tests: a "db-like" provider whose stored form is
 * `fernet:<base64>`, a "kubernetes-like" one keeping `secret:<name>` in a map with owner ids, and a
 * holder source over an array with version-checked rewrites. Not product code.
 */
import { omsmError } from '../../src/core/errors.js';
import { parseReference, toReference } from '../../src/core/naming/reference.js';
import type { SecretId } from '../../src/core/naming/secret-name.js';
import type { SecretsProvider } from '../../src/core/providers/provider.js';
import type { FieldPath, JsonObject } from '../../src/core/secrets/secrets-manager-types.js';
import type {
  ChangeOutcome,
  FieldChange,
  SecretHolder,
  SecretHolderSource,
} from '../../src/ops/migrate/migrate-types.js';

export function fakeInline(): SecretsProvider {
  return {
    name: 'db',
    capability: 'ReadWrite',
    inline: true,
    durable: true,
    store: async (_id, value) => `fernet:${Buffer.from(value).toString('base64')}`,
    get: async (stored) => Buffer.from(stored.slice('fernet:'.length), 'base64').toString(),
    delete: async () => {},
    exists: async () => true,
    recognizes: (s) => s.startsWith('fernet:'),
    close: async () => {},
  };
}

export interface FakeExternal extends SecretsProvider {
  readonly data: Map<string, { value: string; owner?: string }>;
  writes: number;
  failNextStores: number;
}

export function fakeExternal(): FakeExternal {
  const data = new Map<string, { value: string; owner?: string }>();
  const p: FakeExternal = {
    name: 'kubernetes',
    capability: 'ReadWrite',
    inline: false,
    durable: true,
    data,
    writes: 0,
    failNextStores: 0,
    async store(id: SecretId, value: string) {
      if (p.failNextStores > 0) {
        p.failNextStores--;
        throw omsmError('OMSM_ERR_SECRET_UNAVAILABLE', `cannot reach the store for ${id.name}`);
      }
      const cur = data.get(id.name);
      if (cur && cur.owner !== id.id) {
        throw omsmError(
          'OMSM_ERR_SECRET_NOT_OURS',
          `Secret ${id.name} belongs to ${cur.owner ?? 'no omsm manager'}`,
          {
            secretName: id.name,
          },
        );
      }
      if (!cur || cur.value !== value) {
        p.writes++;
        data.set(id.name, { value, owner: id.id });
      }
      return toReference(id.name);
    },
    get: async (stored) => data.get(parseReference(stored))?.value,
    async delete(stored, id) {
      const name = parseReference(stored);
      const cur = data.get(name);
      if (cur && (cur.owner === undefined || (id && cur.owner !== id.id))) {
        throw omsmError('OMSM_ERR_SECRET_NOT_OURS', `Secret ${name} is not ours`, { secretName: name });
      }
      data.delete(name);
    },
    exists: async (stored) => data.has(parseReference(stored)),
    recognizes: (s) => s.startsWith('secret:'),
    close: async () => {},
  };
  return p;
}

interface Row {
  holder: SecretHolder;
  doc: JsonObject;
  version: number;
}

function getAt(doc: JsonObject, path: FieldPath): unknown {
  let cur: unknown = doc;
  for (const k of path) cur = (cur as Record<string, unknown>)?.[k as string];
  return cur;
}
function setAt(doc: JsonObject, path: FieldPath, value: string): void {
  let cur = doc as Record<string, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k as string] as Record<string, unknown>;
  cur[path[path.length - 1] as string] = value;
}

export interface FakeHolders extends SecretHolderSource {
  readonly rows: Map<string, Row>;
  failNextRewrites: number;
  doc(id: string): JsonObject;
}

/** Holders with one section at `['connection','config']` whose password fields are listed by `fields`. */
export function fakeHolders(
  entries: { type: SecretHolder['group']; name: string; config: JsonObject }[],
): FakeHolders {
  const rows = new Map<string, Row>();
  entries.forEach((e, i) => {
    const id = `id-${String(i).padStart(6, '0')}`;
    const doc = { connection: { config: structuredClone(e.config) } } as JsonObject;
    rows.set(id, {
      holder: { group: e.type, kind: e.type, id, name: e.name, version: 1, deleted: false, slots: [] },
      doc,
      version: 1,
    });
  });
  const view = (r: Row): SecretHolder => ({
    ...r.holder,
    slots: [
      {
        scope: { parts: [r.holder.group, r.holder.name], schema: 'Fake' },
        pointer: ['connection', 'config'],
        config: structuredClone((r.doc.connection as JsonObject).config as JsonObject),
      },
    ],
  });
  const h: FakeHolders = {
    rows,
    failNextRewrites: 0,
    doc: (id) => rows.get(id)!.doc,
    async *pages(pageSize) {
      const all = [...rows.values()];
      for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize).map(view);
    },
    count: async () => rows.size,
    async rewrite(holder, changes: readonly FieldChange[]): Promise<ChangeOutcome[]> {
      if (h.failNextRewrites > 0) {
        h.failNextRewrites--;
        throw omsmError('OMSM_ERR_DB_UNAVAILABLE', 'database went away');
      }
      const row = rows.get(holder.id);
      if (!row) return changes.map(() => 'gone');
      const out = changes.map((c): ChangeOutcome => {
        const cur = getAt(row.doc, c.path);
        if (cur === c.next) return 'already';
        if (cur !== c.expected) return 'changed';
        setAt(row.doc, c.path, c.next);
        return 'updated';
      });
      if (out.includes('updated')) row.version++;
      return out;
    },
  };
  return h;
}

/** Password paths for the fake schema: every top-level key ending in `password` or `token`. */
export function fakePasswordPaths(_schema: string, config: JsonObject): FieldPath[] {
  return Object.keys(config)
    .filter((k) => /password$|token$/i.test(k))
    .map((k) => [k]);
}
