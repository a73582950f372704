/**
 * @module core/secrets/secrets-manager
 *
 * The entity-level secrets logic, the same for every provider: find a config's password fields
 * from its JSON Schema, plan how each is written (core/secrets/write-plan: the mask, the field's
 * own reference, cleared fields, refused foreign references), read them back for the server's and
 * ingestion's views (fail-closed), and mask them for the API.
 */
import { asOmsmError, omsmError } from '../errors.js';
import { type Fernet, isFernetStored } from '../crypto/fernet.js';
import { cloneJson, dotted, getAt, maskPaths, setAt } from '../masking/mask.js';
import { isReference } from '../naming/reference.js';
import type { NamingContext } from '../naming/secret-name.js';
import type { SecretsProvider } from '../providers/provider.js';
import type { SchemaRegistry } from '../schema/schema-registry.js';
import type { FieldPath, JsonObject, SecretsManager } from './secrets-manager-types.js';
import { planRemoval, planWrite, type WritePlanContext } from './write-plan.js';

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

/**
 * Builds the SecretsManager for a provider.
 * @example const sm = createSecretsManager({ provider, naming: { prefix: '', clusterName: 'openmetadata' }, schemas: loadSchemaRegistry() });
 */
export function createSecretsManager(options: SecretsManagerOptions): SecretsManager {
  const { provider, naming, schemas, fernet } = options;

  const planContext: WritePlanContext = { provider, naming, schemas };

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

    planWrite(scope, config, previous, planOptions) {
      return planWrite(planContext, scope, config, previous, planOptions);
    },

    planRemoval(scope, stored) {
      return planRemoval(planContext, scope, stored);
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
  };
}

export type { JsonObject };
