/**
 * @module core/config/load-config
 *
 * Reading `openmetadata.yaml`: substitute environment variables (textually, as upstream), parse the
 * YAML, check the provider, validate with the zod schema, check the Fernet key, and deep-freeze
 * the result. Every problem is reported at once as a list of {path, code, message, fix}; values are
 * quoted in messages except those of secret keys, which are never echoed.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { omsmError, validationError, type ValidationIssue } from '../errors.js';
import { DEFAULT_CONFIG_PATH } from '../paths.js';
import { Fernet, NO_ENCRYPTION } from '../crypto/fernet.js';
import { configSchema } from './config-schema.js';
import { type Env, substitute } from './substitute.js';
import { type OmsmConfig, PROVIDERS, SECRET_CONFIG_PATHS, UPSTREAM_PROVIDERS } from './config-types.js';

export interface LoadConfigOptions {
  /** File to read; default the shipped `conf/openmetadata.yaml`. Ignored when `text` is given. */
  readonly path?: string;
  /** YAML text to use instead of a file (tests, stdin). */
  readonly text?: string;
  /** Variables for `${VAR}`; default `process.env`. */
  readonly env?: Env;
}

/** Env var behind each key of the shipped file, for "how to fix" hints. */
const ENV_OF: Record<string, string> = {
  clusterName: 'OPENMETADATA_CLUSTER_NAME',
  'secretsManagerConfiguration.secretsManager': 'SECRET_MANAGER',
  'secretsManagerConfiguration.prefix': 'SECRET_MANAGER_PREFIX',
  'secretsManagerConfiguration.tags': 'SECRET_MANAGER_TAGS',
  'secretsManagerConfiguration.parameters.namespace': 'OM_SM_NAMESPACE',
  'secretsManagerConfiguration.parameters.kubeconfigPath': 'OM_SM_KUBECONFIG_PATH',
  'secretsManagerConfiguration.parameters.inCluster': 'OM_SM_IN_CLUSTER',
  'secretsManagerConfiguration.parameters.accessCheck': 'OM_SM_ACCESS_CHECK',
  'secretsManagerConfiguration.parameters.requestDeadlineMs': 'OM_SM_REQUEST_DEADLINE_MS',
  'secretsManagerConfiguration.parameters.concurrency': 'OM_SM_CONCURRENCY',
  'fernetConfiguration.fernetKey': 'FERNET_KEY',
  'pipelineServiceClientConfiguration.secretsManagerLoader': 'PIPELINE_SERVICE_CLIENT_SECRETS_MANAGER_LOADER',
  'logging.level': 'LOG_LEVEL (or OMSM_LOG_LEVEL, which wins)',
  'server.host': 'SERVER_HOST',
  'server.port': 'SERVER_PORT',
  'database.scheme': 'DB_SCHEME',
  'database.host': 'DB_HOST',
  'database.port': 'DB_PORT',
  'database.name': 'OM_DATABASE',
  'database.user': 'DB_USER',
  'database.password': 'DB_USER_PASSWORD',
  'authentication.jwtSecret': 'OM_JWT_SECRET',
  'authentication.issuer': 'OM_JWT_ISSUER',
  'authentication.adminToken': 'OM_ADMIN_TOKEN',
  'authentication.metricsToken': 'OM_METRICS_TOKEN',
  schemaDirs: 'OM_SCHEMA_DIRS',
};

/**
 * Loads, substitutes, parses and validates a configuration.
 * @throws OmsmError OMSM_ERR_CONFIG_FILE (unreadable file), OMSM_ERR_CONFIG_UNDEFINED_VAR,
 *   OMSM_ERR_CONFIG_PROVIDER (unsupported secretsManager), OMSM_ERR_CONFIG_INVALID (YAML syntax or
 *   any invalid key; details.issues lists them all), OMSM_ERR_FERNET_KEY.
 * @example loadConfig({ text: 'clusterName: prod', env: {} }).clusterName === 'prod'
 */
export function loadConfig(options: LoadConfigOptions = {}): OmsmConfig {
  const env = options.env ?? process.env;
  let text = options.text;
  if (text === undefined) {
    const path = options.path ?? DEFAULT_CONFIG_PATH;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw omsmError('OMSM_ERR_CONFIG_FILE', `cannot read config file ${path} (${why})`, { path }, err);
    }
  }
  const doc = parseDocument(substitute(text, env), { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw validationError(
      'OMSM_ERR_CONFIG_INVALID',
      doc.errors.map((e) => ({
        path: '',
        code: 'yaml_syntax',
        message: `YAML syntax error on line ${e.linePos?.[0]?.line ?? '?'}: ${e.code}`,
        fix: 'Correct the YAML (after ${VAR} substitution).',
      })),
    );
  }
  const raw = toPlainObject(doc);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw validationError('OMSM_ERR_CONFIG_INVALID', [
      {
        path: '',
        code: 'invalid_type',
        message: 'the file must hold a YAML mapping',
        fix: 'See conf/openmetadata.yaml.',
      },
    ]);
  }
  checkProvider(raw);
  const parsed = configSchema.safeParse(withLogLevelOverride(raw as Record<string, unknown>, env));
  if (!parsed.success) {
    throw validationError(
      'OMSM_ERR_CONFIG_INVALID',
      parsed.error.issues.map((i) => toIssue(raw, i.path as (string | number)[], i.code, i.message)),
    );
  }
  const config = parsed.data as OmsmConfig;
  Fernet.fromConfig(config.fernetConfiguration.fernetKey); // throws OMSM_ERR_FERNET_KEY
  return deepFreeze(config);
}

/**
 * omsm's own `OMSM_LOG_LEVEL`, when set and not empty, replaces `logging.level`: it was omsm's only
 * setting before upstream's key was read, and an explicit process-level override is what one sets
 * to debug a single run without editing the file. Applied before validation, so a bad value is
 * reported at `logging.level` like any other.
 */
function withLogLevelOverride(raw: Record<string, unknown>, env: Env): Record<string, unknown> {
  const level = env.OMSM_LOG_LEVEL;
  if (level === undefined || level.trim() === '') return raw;
  const logging = raw.logging !== null && typeof raw.logging === 'object' ? raw.logging : {};
  return { ...raw, logging: { ...logging, level } };
}

/** Unknown provider names get their own code and the list of what omsm supports. */
function checkProvider(raw: object): void {
  const smc = (raw as Record<string, unknown>).secretsManagerConfiguration;
  const value = smc && typeof smc === 'object' ? (smc as Record<string, unknown>).secretsManager : undefined;
  if (value === undefined || value === null || value === '') return;
  const name = String(value).trim().toLowerCase();
  if ((PROVIDERS as readonly string[]).includes(name)) return;
  const upstream = (UPSTREAM_PROVIDERS as readonly string[]).includes(name)
    ? ` ("${name}" is an OpenMetadata provider that omsm does not implement)`
    : '';
  throw omsmError(
    'OMSM_ERR_CONFIG_PROVIDER',
    `secretsManagerConfiguration.secretsManager: "${String(value)}" is not supported${upstream}; supported: ${PROVIDERS.join(', ')}`,
    { path: 'secretsManagerConfiguration.secretsManager', supported: [...PROVIDERS] },
  );
}

function toIssue(raw: unknown, path: (string | number)[], code: string, message: string): ValidationIssue {
  const dotted = path.join('.');
  const key = path.filter((p) => typeof p === 'string').join('.');
  const secret = (SECRET_CONFIG_PATHS as readonly string[]).includes(key);
  const value = valueAt(raw, path);
  const shown = secret || value === undefined || message.includes('"') ? '' : ` (got ${render(value)})`;
  const env = ENV_OF[key];
  return {
    path: dotted,
    code,
    message: `${message}${shown}`,
    fix: env
      ? `Set ${env} or edit ${key} in the config file.`
      : `Edit ${key || 'the file'}; see conf/openmetadata.yaml.`,
  };
}

function valueAt(raw: unknown, path: (string | number)[]): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/**
 * The document as plain data. Aliases are where YAML turns hostile: an alias to an undefined anchor,
 * and "billion laughs" expansion, make `toJS` throw; both are config errors, not crashes. The alias
 * budget is small because a real openmetadata.yaml uses none.
 */
function toPlainObject(doc: ReturnType<typeof parseDocument>): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    const why =
      err instanceof Error && /alias/i.test(err.message) ? err.message.split('\n')[0] : 'unreadable YAML';
    throw validationError('OMSM_ERR_CONFIG_INVALID', [
      {
        path: '',
        code: 'yaml_alias',
        message: `YAML aliases cannot be expanded: ${why}`,
        fix: 'Define every anchor before its alias (&name ... *name) and do not nest aliases deeply.',
      },
    ]);
  }
}

/** Short JSON rendering of a non-secret value for a message; cycles (YAML self-aliases) are safe. */
function render(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    s = Array.isArray(value) ? '[...]' : typeof value === 'object' ? '{...}' : String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Freezes an object graph in place and returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * A copy of the config for printing: every key of SECRET_CONFIG_PATHS that has a value is replaced
 * by `*********` (empty ones stay empty, so "not set" remains visible).
 */
export function maskedConfig(config: OmsmConfig): Record<string, unknown> {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const path of SECRET_CONFIG_PATHS) {
    const keys = path.split('.');
    let obj: Record<string, unknown> | undefined = copy;
    for (const k of keys.slice(0, -1)) obj = obj?.[k] as Record<string, unknown> | undefined;
    const last = keys[keys.length - 1]!;
    const v = obj?.[last];
    if (obj && typeof v === 'string' && v !== '' && v !== NO_ENCRYPTION) obj[last] = '*********';
  }
  return copy;
}
