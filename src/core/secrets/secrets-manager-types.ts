/**
 * @module core/secrets/secrets-manager-types
 *
 * The entity-level contract on top of a SecretsProvider: which fields of a connection config are
 * passwords (from its JSON Schema), and how they are stored, masked, resolved and deleted.
 */
import type { SecretsProvider } from '../providers/provider.js';
import type { WritePlan, WritePlanOptions } from './write-plan.js';

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

export interface SecretsManager {
  readonly provider: SecretsProvider;

  /** The password fields present in `config` (walks the schema: nested objects, oneOf/anyOf, $ref). */
  passwordPaths(schema: string, config: JsonObject): FieldPath[];

  /**
   * Plans writing `config` (what a client sent, plain or masked) over `previous` (the stored config,
   * absent on create): see core/secrets/write-plan. A field holding MASK keeps its stored form; a
   * cleared field (empty, null, absent) releases its Secret on commit; a stored form is accepted
   * only when it is the field's own. Throws before any backend call when the config is refused.
   */
  planWrite(
    scope: EntityScope,
    config: JsonObject,
    previous?: JsonObject,
    options?: WritePlanOptions,
  ): WritePlan;

  /** Plans deleting every Secret of the entity's own that a stored config points at (commit deletes). */
  planRemoval(scope: EntityScope, stored: JsonObject): WritePlan;

  /** Server view: Fernet stored forms (db) decrypted; `secret:` references left as they are. */
  decrypt(scope: EntityScope, stored: JsonObject): Promise<JsonObject>;

  /** Ingestion view: every stored form replaced by its value. Fails closed (never hands on a reference). */
  resolve(scope: EntityScope, stored: JsonObject): Promise<JsonObject>;

  /** API view: every password field replaced by MASK. Pure. */
  mask(scope: EntityScope, config: JsonObject): JsonObject;
}
