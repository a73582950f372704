/**
 * @module core/config/config-defaults
 *
 * The shipped defaults that code without a config file needs too (the ingestion runtime reads a
 * workflow, not openmetadata.yaml). Kept apart from config-schema.ts so that using a default does
 * not load the schema and zod with it: `omsm ingestion resolve` starts without either.
 */

/** The key upstream's openmetadata.yaml falls back to; public, so only fit for development. */
export const UPSTREAM_DEFAULT_FERNET_KEY = 'jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=';

/** Defaults of `secretsManagerConfiguration.parameters` that callers without a config file use too. */
export const PARAMETER_DEFAULTS = { requestDeadlineMs: 30_000, concurrency: 32 } as const;

/** Defaults for a database scheme when DB_PORT / OM_DATABASE are empty. */
export const DB_DEFAULTS = {
  sqlite: { port: 0, name: 'data/omsm.db' },
  postgresql: { port: 5432, name: 'openmetadata_db' },
  mysql: { port: 3306, name: 'openmetadata_db' },
} as const;
