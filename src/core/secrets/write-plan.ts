/**
 * @module core/secrets/write-plan
 *
 * How one secret-holding config is written, as a plan that is made once and then applied,
 * committed or undone. Making the plan walks the schema's password paths and derives every secret
 * id exactly once; it checks everything a client can get wrong (a mask with nothing to keep, a
 * stored form that is not this field's own) before any backend call, so a refused write changes
 * nothing. The entity writer then:
 *
 * 1. `apply()`: stores the new values (reading first what an overwritten Secret held, for undo)
 *    and returns the config to persist, whose password fields hold stored forms;
 * 2. writes the row;
 * 3. `commit()` once the row is committed: deletes omsm's own Secrets of fields the write cleared
 *    or dropped (never before, so a failed row write never leaves the old row pointing at nothing);
 *    or `undo()` when the row write failed: deletes the Secrets `apply` created and writes back
 *    the ones it overwrote.
 *
 * Only omsm's own Secret of a field (the name derived from the entity and the field) is ever
 * deleted; a `secret:` value found in an old row that points elsewhere is dropped from the row and
 * its Secret left alone.
 */
import { asOmsmError, omsmError } from '../errors.js';
import { isFernetStored } from '../crypto/fernet.js';
import { cloneJson, dotted, getAt, setAt } from '../masking/mask.js';
import { isReference, toReference } from '../naming/reference.js';
import { type NamingContext, type SecretId, secretId } from '../naming/secret-name.js';
import type { SecretsProvider, StoreOptions } from '../providers/provider.js';
import type { SchemaRegistry } from '../schema/schema-registry.js';
import { type EntityScope, type FieldPath, type JsonObject, MASK } from './secrets-manager-types.js';

/** What the plan needs to know of the world: fixed for a server's lifetime. */
export interface WritePlanContext {
  readonly provider: SecretsProvider;
  readonly naming: NamingContext;
  readonly schemas: SchemaRegistry;
}

export interface WritePlanOptions extends StoreOptions {
  /** Where the config sits in its document (`connection.config`), for field paths in errors. */
  readonly at?: string;
  /** Told about a Secret that commit or undo could not delete or write back (never throws). */
  readonly onLeftover?: (err: unknown, stored: string, what: 'delete' | 'restore') => void;
}

/** What happens to one password field. */
export type FieldAction =
  /** The stored form is kept with no backend call (mask, or the field's own stored form sent back). */
  | { readonly kind: 'keep'; readonly path: FieldPath; readonly stored: string }
  /** A new value is stored under the field's id. */
  | { readonly kind: 'store'; readonly path: FieldPath; readonly id: SecretId; readonly value: string }
  /** The field is emptied. */
  | { readonly kind: 'clear'; readonly path: FieldPath };

export interface WritePlan {
  readonly actions: readonly FieldAction[];
  /** Stores every new value; returns the config to persist. @throws provider errors (then call undo). */
  apply(): Promise<JsonObject>;
  /** After the row is committed: deletes the field Secrets this write released. Never throws. */
  commit(): Promise<void>;
  /** After a failed row write: deletes what apply created, writes back what it overwrote. Never throws. */
  undo(): Promise<void>;
}

/** A Secret of this entity that the write may delete on commit. */
interface Release {
  readonly stored: string;
  readonly id: SecretId;
}

/**
 * Plans writing `next` (the config a client sent, plain or masked) over `previous` (the stored
 * config, absent on create).
 * @throws OmsmError SECRET_INVALID (a mask with no stored value to keep),
 *   SECRET_FOREIGN_REFERENCE (a stored form that is not this field's own), before any backend call.
 */
export function planWrite(
  ctx: WritePlanContext,
  scope: EntityScope,
  next: JsonObject,
  previous: JsonObject | undefined,
  options: WritePlanOptions = {},
): WritePlan {
  const { provider } = ctx;
  const idOf = (path: FieldPath) => secretId(ctx.naming, [...scope.parts, ...path.map(String)]);
  const paths = ctx.schemas.passwordPaths(scope.schema, next, { includeNull: true });
  const actions: FieldAction[] = [];
  const releases: Release[] = [];
  const present = new Set<string>();

  for (const path of paths) {
    present.add(JSON.stringify(path));
    const id = idOf(path);
    const value = getAt(next, path);
    const prev = storedAt(previous, path);
    if (value === MASK) {
      if (prev === undefined) {
        throw omsmError(
          'OMSM_ERR_SECRET_INVALID',
          `${fieldName(options.at, path)} holds the mask ${MASK} but there is no stored value to keep; send the real value`,
          { path: fieldName(options.at, path) },
        );
      }
      actions.push({ kind: 'keep', path, stored: prev });
    } else if (typeof value !== 'string' || value === '') {
      actions.push({ kind: 'clear', path });
      if (prev !== undefined) releaseIfOwn(prev, id);
    } else if (isReference(value) || isFernetStored(value)) {
      actions.push({
        kind: 'keep',
        path,
        stored: suppliedStoredForm(provider, value, id, prev, options.at, path),
      });
    } else {
      actions.push({ kind: 'store', path, id, value });
      // The Secret moves only when the provider's stored form differs (an old `fernet:` value of a
      // row not yet migrated); the old one is released if it was ours.
      if (prev !== undefined && prev !== toReference(id.name)) releaseIfOwn(prev, id);
    }
  }
  // Fields the previous config had and this one does not (e.g. an SSL block removed).
  if (previous) {
    for (const path of ctx.schemas.passwordPaths(scope.schema, previous)) {
      if (present.has(JSON.stringify(path))) continue;
      const prev = storedAt(previous, path);
      if (prev !== undefined) releaseIfOwn(prev, idOf(path));
    }
  }

  function releaseIfOwn(stored: string, id: SecretId): void {
    if (!provider.inline && provider.recognizes(stored) && stored === toReference(id.name)) {
      releases.push({ stored, id });
    }
  }

  const created: Release[] = [];
  const overwritten: { stored: string; id: SecretId; value: string }[] = [];

  return {
    actions,

    async apply() {
      const out = cloneJson(next);
      for (const a of actions) {
        if (a.kind === 'keep') setAt(out, a.path, a.stored);
        else if (a.kind === 'clear') setAt(out, a.path, null);
        else {
          const own = toReference(a.id.name);
          const before = storedAt(previous, a.path);
          // Overwriting this entity's own Secret: keep what it holds to write it back on undo.
          const restore = !provider.inline && before === own ? await provider.get(own) : undefined;
          const stored = await provider.store(a.id, a.value, options);
          if (restore !== undefined) overwritten.push({ stored, id: a.id, value: restore });
          else if (!provider.inline) created.push({ stored, id: a.id });
          setAt(out, a.path, stored);
        }
      }
      return out;
    },

    async commit() {
      for (const r of releases) {
        try {
          await provider.delete(r.stored, r.id);
        } catch (err) {
          // A Secret that turned out to be another id's is not ours to delete: skipped, as intended.
          if (asOmsmError(err)?.code !== 'OMSM_ERR_SECRET_NOT_OURS')
            options.onLeftover?.(err, r.stored, 'delete');
        }
      }
    },

    async undo() {
      for (const c of created) {
        // With the id, the provider refuses to delete a Secret another entity owns.
        await provider
          .delete(c.stored, c.id)
          .catch((err: unknown) => options.onLeftover?.(err, c.stored, 'delete'));
      }
      for (const o of overwritten) {
        await provider
          .store(o.id, o.value, { hint: 'existing' })
          .catch((err: unknown) => options.onLeftover?.(err, o.stored, 'restore'));
      }
    },
  };
}

/**
 * Plans removing every secret of a stored config (hard delete, a config removed from its
 * document): `commit()` deletes the entity's own Secrets; references elsewhere are left alone.
 */
export function planRemoval(ctx: WritePlanContext, scope: EntityScope, stored: JsonObject): WritePlan {
  return planWrite(ctx, scope, {}, stored);
}

/**
 * A stored form a client sent back (`secret:…` or `fernet:…`): accepted only when it is the
 * field's own, so that nobody can point a connection at a Secret, or copy a ciphertext, that
 * belongs to something else and have ingestion hand its value to a host they choose (a confused
 * deputy: see SECURITY.md). Own means: the reference omsm derives for this entity and field, or
 * exactly the stored form the field holds now.
 * @throws OmsmError SECRET_FOREIGN_REFERENCE naming the field.
 */
function suppliedStoredForm(
  provider: SecretsProvider,
  value: string,
  id: SecretId,
  prev: string | undefined,
  at: string | undefined,
  path: FieldPath,
): string {
  if (value === prev) return value;
  if (isReference(value) && value === toReference(id.name) && !provider.inline) return value;
  const field = fieldName(at, path);
  throw omsmError(
    'OMSM_ERR_SECRET_FOREIGN_REFERENCE',
    `${field} holds a ${isReference(value) ? `reference (${value.slice(0, 300)})` : 'stored form'} that is not this field's own secret; send the value itself, or ${MASK} to keep the stored one`,
    { path: field },
  );
}

function storedAt(config: JsonObject | undefined, path: FieldPath): string | undefined {
  const v = config ? getAt(config, path) : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function fieldName(at: string | undefined, path: FieldPath): string {
  return at ? `${at}.${dotted(path)}` : dotted(path);
}
