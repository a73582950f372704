/**
 * @module core/secrets/secrets-manager-types
 *
 * The entity-level contract on top of a SecretsProvider: which fields of a connection config are
 * passwords (from its JSON Schema), and how they are stored, masked, resolved and deleted.
 */
import type { SecretsProvider, StoreOptions } from '../providers/provider.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** What API responses show instead of a password. Sending it back keeps the stored value. */
export const MASK = '*********';

/** Path of a field inside a config: property names and array indexes. */
export type FieldPath = readonly (string | number)[];

/**
 * Which entity a config belongs to. `parts` are the id parts under clusterName, e.g.
 * `['database', 'my_service']`, `['bot', 'ingestion-bot']`, `['pipeline', 'p1']`,
 * `['workflow', 'w1']`; a field at `authType.password` adds `authType`, `password`.
 * `schema` names the config's JSON Schema in the registry (e.g. `Mysql`, `JWTAuthMechanism`).
 */
export interface EntityScope {
  readonly parts: readonly string[];
  readonly schema: string;
}

export interface EncryptResult {
  /** The config to persist: password fields hold stored forms. */
  readonly config: JsonObject;
  /** Stored forms written by this call (for compensation if the database write then fails). */
  readonly written: readonly string[];
  /** Stored forms of secrets this call deleted (fields cleared). */
  readonly deleted: readonly string[];
}

export interface SecretsManager {
  readonly provider: SecretsProvider;

  /** The password fields present in `config` (walks the schema: nested objects, oneOf/anyOf, $ref). */
  passwordPaths(schema: string, config: JsonObject): FieldPath[];

  /**
   * Stores every password field of `config` and replaces it by its stored form. With `previous`
   * (the currently stored config): a field that holds MASK keeps the previous stored form; a field
   * cleared (empty/null/absent) deletes its previous secret; a value already `secret:...` is kept
   * with no backend call. Throws before writing anything when the config itself is invalid.
   */
  encrypt(
    scope: EntityScope,
    config: JsonObject,
    previous?: JsonObject,
    options?: StoreOptions,
  ): Promise<EncryptResult>;

  /** Server view: Fernet stored forms (db) decrypted; `secret:` references left as they are. */
  decrypt(scope: EntityScope, stored: JsonObject): Promise<JsonObject>;

  /** Ingestion view: every stored form replaced by its value. Fails closed (never hands on a reference). */
  resolve(scope: EntityScope, stored: JsonObject): Promise<JsonObject>;

  /** API view: every password field replaced by MASK. Pure. */
  mask(scope: EntityScope, config: JsonObject): JsonObject;

  /** Deletes every secret an entity's stored config points at. Idempotent. */
  deleteAll(scope: EntityScope, stored: JsonObject): Promise<void>;
}
