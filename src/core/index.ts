/**
 * @module core
 *
 * The public API of omsm's core library: configuration, secret naming and references, Fernet,
 * the provider contract with the db and in-memory providers, connection JSON Schemas, and the
 * SecretsManager. Everything above core (server, ingestion, ops, cli, kubernetes) imports from here
 * or from the named files; nothing here imports from above.
 */
export * from './errors.js';
export * from './config/config-types.js';
export { substitute, type Env } from './config/substitute.js';
export { loadConfig, maskedConfig, deepFreeze, type LoadConfigOptions } from './config/load-config.js';
export { DB_DEFAULTS } from './config/config-defaults.js';
export { DEFAULT_CONFIG_PATH, BUNDLED_SCHEMA_DIR, PACKAGE_ROOT } from './paths.js';
export * from './naming/secret-name.js';
export * from './naming/reference.js';
export { labelKeyProblem, labelValueProblem, namespaceProblem } from './naming/labels.js';
export { Fernet, FERNET_PREFIX, NO_ENCRYPTION, isFernetStored } from './crypto/fernet.js';
export type * from './providers/provider.js';
export { DbProvider, createDbProvider, type DbProviderOptions } from './providers/db-provider.js';
export {
  InMemoryProvider,
  InMemoryStore,
  createInMemoryProvider,
  type InMemoryProviderOptions,
} from './providers/in-memory-provider.js';
export {
  ProviderRegistry,
  coreProviderRegistry,
  type OpenProviderOptions,
  type ProviderConfig,
  type ProviderModule,
} from './providers/registry.js';
export type {
  DoctorCheck,
  DoctorContext,
  ProviderDoctor,
  ProviderReadiness,
  StoreEntry,
  StoreInspector,
} from './providers/module.js';
export {
  SchemaRegistry,
  loadSchemaRegistry,
  type JsonSchema,
  type SchemaEntry,
  type SchemaRegistryOptions,
} from './schema/schema-registry.js';
export * from './secrets/secrets-manager-types.js';
export { createSecretsManager, type SecretsManagerOptions } from './secrets/secrets-manager.js';
export { getAt, setAt, maskPaths, dotted } from './masking/mask.js';
export { createLogger, silentLogger, REDACTED_KEYS, type Logger, type LoggerOptions } from './logging.js';
