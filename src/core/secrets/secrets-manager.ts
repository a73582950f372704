/**
 * @module core/secrets/secrets-manager
 *
 * The entity-level secrets logic, the same for every provider: find a config's password fields
 * from its JSON Schema, store each through the provider and keep its stored form, honour the mask
 * and `secret:` references, and resolve fail-closed for ingestion.
 *
 * Two rules beyond upstream keep foreign Secrets safe: a `secret:` reference that a user typed in
 * (pointing at a Secret they made) is never deleted when the field is cleared or the entity goes
 * away, and a delete that the provider refuses as "not ours" is skipped, not fatal.
 */
import { asOmsmError, omsmError } from '../errors.js';
import { type Fernet, isFernetStored } from '../crypto/fernet.js';
import { cloneJson, dotted, getAt, maskPaths, setAt } from '../masking/mask.js';
import { isReference, toReference } from '../naming/reference.js';
import { type NamingContext, type SecretId, secretId } from '../naming/secret-name.js';
import type { SecretsProvider, StoreOptions } from '../providers/provider.js';
import type { SchemaRegistry } from '../schema/schema-registry.js';
import {
  type EncryptResult,
  type EntityScope,
  type FieldPath,
  type JsonObject,
  MASK,
  type SecretsManager,
} from './secrets-manager-types.js';

export interface SecretsManagerOptions {
  readonly provider: SecretsProvider;
  readonly naming: NamingContext;
  readonly schemas: SchemaRegistry;
  /**
   * Fernet keys for `fernet:` values found while another provider is configured (a database not
   * yet migrated): `decrypt` and `resolve` open them instead of failing.
   */
  readonly fernet?: Fernet;
}

interface Planned {
  readonly path: FieldPath;
  readonly id: SecretId;
  readonly value: string | null;
  readonly previous: string | undefined;
}

/**
 * Builds the SecretsManager for a provider.
 * @example const sm = createSecretsManager({ provider, naming: { prefix: '', clusterName: 'openmetadata' }, schemas: loadSchemaRegistry() });
 */
export function createSecretsManager(options: SecretsManagerOptions): SecretsManager {
  const { provider, naming, schemas, fernet } = options;

  const idFor = (scope: EntityScope, path: FieldPath): SecretId =>
    secretId(naming, [...scope.parts, ...path.map(String)]);

  /** True when `stored` is the reference omsm itself would write for this field. */
  const isOwn = (stored: string, id: SecretId): boolean => provider.inline || stored === toReference(id.name);

  /** Deletes a previous stored form; foreign references are left alone (see module comment). */
  const release = async (stored: string, id: SecretId): Promise<boolean> => {
    if (provider.inline || !provider.recognizes(stored)) return false;
    try {
      await provider.delete(stored, isOwn(stored, id) ? id : undefined);
      return true;
    } catch (err) {
      if (asOmsmError(err)?.code === 'OMSM_ERR_SECRET_NOT_OURS') return false;
      throw err;
    }
  };

  const read = async (stored: string, path: FieldPath): Promise<string> => {
    if (isFernetStored(stored) && !provider.recognizes(stored) && fernet) return fernet.decrypt(stored);
    if (!provider.recognizes(stored)) {
      throw omsmError(
        'OMSM_ERR_SECRET_UNRESOLVED',
        `${isReference(stored) ? stored : 'the stored value'} at ${dotted(path)} cannot be read by the ${provider.name} provider`,
        { path: dotted(path), ...(isReference(stored) ? { secretName: stored } : {}) },
      );
    }
    let value: string | undefined;
    try {
      value = await provider.get(stored);
    } catch (err) {
      const cause = asOmsmError(err);
      throw omsmError(
        'OMSM_ERR_SECRET_UNRESOLVED',
        `${isReference(stored) ? stored : 'the stored value'} at ${dotted(path)} could not be resolved: ${cause?.code ?? 'error'}${cause ? ` ${cause.message}` : ''}`,
        { path: dotted(path), ...(isReference(stored) ? { secretName: stored } : {}) },
        err,
      );
    }
    if (value === undefined) {
      throw omsmError(
        'OMSM_ERR_SECRET_UNRESOLVED',
        `${isReference(stored) ? stored : 'the stored value'} at ${dotted(path)} points at no secret`,
        { path: dotted(path), ...(isReference(stored) ? { secretName: stored } : {}) },
      );
    }
    return value;
  };

  return {
    provider,

    passwordPaths(schema, config) {
      return schemas.passwordPaths(schema, config);
    },

    async encrypt(scope, config, previous, storeOptions?: StoreOptions): Promise<EncryptResult> {
      const out = cloneJson(config);
      const paths = schemas.passwordPaths(scope.schema, config, { includeNull: true });
      const prevPaths = previous ? schemas.passwordPaths(scope.schema, previous) : [];
      const seen = new Set(paths.map((p) => JSON.stringify(p)));

      // Plan everything (ids, mask checks) before the first backend call: an invalid config
      // changes nothing.
      const plan: Planned[] = paths.map((path) => {
        const v = getAt(config, path);
        const prev = previous ? getAt(previous, path) : undefined;
        const prevStored = typeof prev === 'string' && prev !== '' ? prev : undefined;
        if (v === MASK && prevStored === undefined) {
          throw omsmError(
            'OMSM_ERR_SECRET_INVALID',
            `${dotted(path)} holds the mask ${MASK} but there is no stored value to keep; send the real value`,
            { path: dotted(path) },
          );
        }
        return {
          path,
          id: idFor(scope, path),
          value: typeof v === 'string' ? v : null,
          previous: prevStored,
        };
      });
      const dropped = prevPaths
        .filter((p) => !seen.has(JSON.stringify(p)))
        .map((path) => ({ path, id: idFor(scope, path), stored: getAt(previous!, path) as string }));

      const written: string[] = [];
      const deleted: string[] = [];
      for (const item of plan) {
        const { path, id, value, previous: prev } = item;
        if (value === MASK) {
          setAt(out, path, prev!);
        } else if (value === null || value === '') {
          if (prev !== undefined && (await release(prev, id))) deleted.push(prev);
          setAt(out, path, null);
        } else if (isReference(value) || (provider.inline && isFernetStored(value))) {
          setAt(out, path, value); // already stored: kept with no backend call
        } else {
          const stored = await provider.store(id, value, storeOptions);
          written.push(stored);
          setAt(out, path, stored);
          // A field moved to a new name (e.g. the user had pointed it at their own Secret): the
          // old one is released if it was ours.
          if (prev !== undefined && prev !== stored && (await release(prev, id))) deleted.push(prev);
        }
      }
      for (const d of dropped) {
        if (typeof d.stored === 'string' && d.stored !== '' && (await release(d.stored, d.id))) {
          deleted.push(d.stored);
        }
      }
      return { config: out, written, deleted };
    },

    async decrypt(scope, stored) {
      const out = cloneJson(stored);
      for (const path of schemas.passwordPaths(scope.schema, stored)) {
        const v = getAt(stored, path) as string;
        if (!isFernetStored(v)) continue;
        if (provider.inline && provider.recognizes(v)) setAt(out, path, (await provider.get(v)) ?? null);
        else if (fernet) setAt(out, path, fernet.decrypt(v));
      }
      return out;
    },

    async resolve(scope, stored) {
      const out = cloneJson(stored);
      for (const path of schemas.passwordPaths(scope.schema, stored)) {
        const v = getAt(stored, path) as string;
        if (v === '') continue;
        if (isReference(v) || isFernetStored(v) || provider.recognizes(v))
          setAt(out, path, await read(v, path));
        // Anything else is a plain value from before secrets were managed: upstream hands it on.
      }
      return out;
    },

    mask(scope, config) {
      return maskPaths(config, schemas.passwordPaths(scope.schema, config));
    },

    async deleteAll(scope, stored) {
      for (const path of schemas.passwordPaths(scope.schema, stored)) {
        const v = getAt(stored, path) as string;
        if (v !== '') await release(v, idFor(scope, path));
      }
    },
  };
}

export type { JsonObject };
