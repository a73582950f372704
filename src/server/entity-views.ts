/**
 * @module server/entity-views
 *
 * What an entity looks like in a response. Admins see every password field as `*********`
 * (SecretsManager.mask); bots see stored forms that are references (`secret:<name>`) or Fernet
 * tokens (`fernet:...`) so ingestion can resolve them, and `*********` for anything else (a plain
 * value stored with `no_encryption_at_rest`): never a value. Columns (id, version, deleted,
 * updatedAt) are overlaid from the row; fields the response schemas do not declare (internal
 * bookkeeping such as a bot's token id) are dropped by the serializer.
 */
import type { JsonObject, JsonValue, SecretsManager } from '../core/secrets/secrets-manager-types.js';
import { MASK } from '../core/secrets/secrets-manager-types.js';
import type { Role } from './auth/jwt.js';
import type { StoredEntity } from '../domain/db/entity-store.js';
import { getAt } from '../core/masking/mask.js';
import { configAt, type EntityKind, withConfigAt } from '../domain/kinds.js';

/** Upstream's entity version is a decimal that grows by 0.1 per change; ours maps the row version. */
export function displayVersion(rowVersion: number): number {
  return rowVersion / 10;
}

/** The response document of `e` for `role`. Pure. */
export function entityView(
  secrets: SecretsManager,
  kind: EntityKind,
  e: StoredEntity,
  role: Role,
): JsonObject {
  let doc = e.doc;
  for (const slot of kind.slots(doc, e.name)) {
    const cfg = configAt(doc, slot.pointer)!;
    const shown =
      role === 'bot' ? referencesOnly(secrets, slot.scope.schema, cfg) : secrets.mask(slot.scope, cfg);
    doc = withConfigAt(doc, slot.pointer, shown);
  }
  return {
    ...doc,
    id: e.id,
    name: e.name,
    version: displayVersion(e.version),
    updatedAt: e.updatedAt,
    deleted: e.deleted,
  };
}

/** Password fields keep `secret:`/`fernet:` stored forms; anything else becomes the mask. */
export function referencesOnly(secrets: SecretsManager, schema: string, cfg: JsonObject): JsonObject {
  const masked = secrets.mask({ parts: ['view'], schema }, cfg);
  let out: JsonValue = masked;
  for (const path of secrets.passwordPaths(schema, cfg)) {
    const v = getAt(cfg, path);
    if (typeof v === 'string' && (v.startsWith('secret:') || v.startsWith('fernet:'))) {
      out = setPath(out as JsonObject, path, v);
    }
  }
  return out as JsonObject;
}

function setPath(obj: JsonObject, path: readonly (string | number)[], value: JsonValue): JsonObject {
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(obj) ? [...obj] : { ...obj }) as Record<string | number, JsonValue>;
  copy[head] = rest.length === 0 ? value : setPath((copy[head] ?? {}) as JsonObject, rest, value);
  return copy as JsonObject;
}

export { MASK };
