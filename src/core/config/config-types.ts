/**
 * @module core/config/config-types
 *
 * The effective configuration after substitution, parsing and validation. Field names follow
 * OpenMetadata's `openmetadata.yaml`; omsm's own settings (server, database, auth, kubernetes
 * extras) are marked. Loaded configs are deep-frozen: treat every object here as read-only.
 */

export const PROVIDERS = ['db', 'in-memory', 'kubernetes'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Every provider name upstream knows; omsm implements PROVIDERS and rejects the rest by name. */
export const UPSTREAM_PROVIDERS = [
  'db',
  'managed-aws',
  'aws',
  'managed-aws-ssm',
  'aws-ssm',
  'managed-azure-kv',
  'azure-kv',
  'in-memory',
  'gcp',
  'kubernetes',
  'managed-openbao',
  'openbao',
] as const;

export const LOADERS = ['noop', 'airflow', 'env'] as const;

/** Upstream's (logback) level names, plus pino's `fatal` and `silent` that OMSM_LOG_LEVEL took. */
export const LOG_LEVELS = [
  'off',
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'all',
  'silent',
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LoaderName = (typeof LOADERS)[number];

export interface KubernetesParameters {
  /** Namespace the Secrets live in (OM_SM_NAMESPACE, default `default`). */
  readonly namespace: string;
  /** Kubeconfig path for out-of-cluster use (OM_SM_KUBECONFIG_PATH); empty = default kubeconfig. */
  readonly kubeconfigPath: string;
  /** Use the pod's ServiceAccount (OM_SM_IN_CLUSTER); accepted as string or boolean. */
  readonly inCluster: boolean;
  /** omsm: what to do when the start-up RBAC self-check finds a missing verb (OM_SM_ACCESS_CHECK). */
  readonly accessCheck: 'fail' | 'warn' | 'off';
  /** omsm: total time budget for one operation including retries, ms (OM_SM_REQUEST_DEADLINE_MS). */
  readonly requestDeadlineMs: number;
  /** omsm: default concurrency for bulk operations (OM_SM_CONCURRENCY). */
  readonly concurrency: number;
}

export interface SecretsManagerConfiguration {
  readonly secretsManager: ProviderName;
  readonly prefix: string;
  /** Labels added to every Secret; parsed from `[k:v,...]` or a YAML list, validated as labels. */
  readonly tags: Readonly<Record<string, string>>;
  readonly parameters: KubernetesParameters;
}

export interface FernetConfiguration {
  /** One key or a comma-separated list (encrypt with the first); `no_encryption_at_rest` disables. */
  readonly fernetKey: string;
}

export interface PipelineServiceClientConfiguration {
  readonly secretsManagerLoader: LoaderName;
}

/** As upstream's `logging` section; only `level` is read (its `loggers` and `appenders` are not). */
export interface LoggingConfiguration {
  /** `logging.level` (LOG_LEVEL in the shipped file); OMSM_LOG_LEVEL, when set, wins. Lowercase. */
  readonly level: LogLevel;
}

/** omsm: the HTTP server. */
export interface ServerConfiguration {
  readonly host: string; // SERVER_HOST, default 127.0.0.1
  readonly port: number; // SERVER_PORT, default 8585
}

/** omsm: the entity database. */
export interface DatabaseConfiguration {
  readonly scheme: 'sqlite' | 'postgresql' | 'mysql'; // DB_SCHEME
  readonly host: string; // DB_HOST
  readonly port: number; // DB_PORT
  /** Database name, or the file path for sqlite (OM_DATABASE). */
  readonly name: string;
  readonly user: string; // DB_USER
  readonly password: string; // DB_USER_PASSWORD (a secret: masked in `config check`)
}

/** omsm: API authentication. */
export interface AuthConfiguration {
  /** HMAC key for the JWTs the server issues and accepts (OM_JWT_SECRET). Empty = generated once
   * and kept in the database (embedded default). A secret: masked in `config check`. */
  readonly jwtSecret: string;
  readonly issuer: string; // OM_JWT_ISSUER, default open-metadata.org
  /** A fixed admin token for scripts (OM_ADMIN_TOKEN); empty = none. A secret. */
  readonly adminToken: string;
  /** A static bearer token that may read /metrics only (OM_METRICS_TOKEN; Prometheus); empty = none. A secret. */
  readonly metricsToken: string;
}

export interface OmsmConfig {
  readonly clusterName: string;
  readonly secretsManagerConfiguration: SecretsManagerConfiguration;
  readonly fernetConfiguration: FernetConfiguration;
  readonly pipelineServiceClientConfiguration: PipelineServiceClientConfiguration;
  readonly logging: LoggingConfiguration;
  readonly server: ServerConfiguration;
  readonly database: DatabaseConfiguration;
  readonly authentication: AuthConfiguration;
  /** Directories with extra connection JSON Schemas (OM_SCHEMA_DIRS, comma-separated). */
  readonly schemaDirs: readonly string[];
}

/** Config keys whose values are secrets: `config check` and logs mask them. */
export const SECRET_CONFIG_PATHS = [
  'fernetConfiguration.fernetKey',
  'database.password',
  'authentication.jwtSecret',
  'authentication.adminToken',
  'authentication.metricsToken',
] as const;
