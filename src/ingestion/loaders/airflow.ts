/**
 * @module ingestion/loaders/airflow
 *
 * The `airflow` loader (docs/contract.md#airflow-loader): section `[openmetadata_secrets_manager]` of `airflow.cfg`,
 * keys `kubernetes_namespace`, `kubernetes_kubeconfig_path`, `kubernetes_in_cluster`, each
 * overridable by `AIRFLOW__OPENMETADATA_SECRETS_MANAGER__<KEY>` — read the way Airflow 2 reads its
 * own configuration, so the same file and variables mean the same thing to Airflow and to omsm:
 *
 * - The file is `$AIRFLOW_CONFIG` when set, else `$AIRFLOW_HOME/airflow.cfg`, else
 *   `~/airflow/airflow.cfg` (Airflow's `get_airflow_config`; it uses that one path, no fallback).
 * - An environment variable that is set (even empty) wins over the file (Airflow's `get`).
 * - Values from either place go through Airflow's `expand_env_var` (`$VAR`, `${VAR}`, leading `~`).
 * - Booleans as Airflow's `getboolean`: text after `#` dropped, then `t`/`true`/`1` or
 *   `f`/`false`/`0`, case-insensitive; anything else is an error naming the key and the value.
 *   omsm difference: an empty value means "not set" (Airflow would refuse it), because the contract's
 *   own examples leave keys empty.
 * - A missing file is an error naming the path and how it was chosen, unless the section is
 *   configured entirely through environment variables (the env-only form of docs/contract.md#airflow-loader).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { omsmError } from '../../core/errors.js';
import { iniGet, iniHasSection, type IniFile, parseIni } from '../config-parser.js';
import {
  type LoadedConnection,
  type LoaderContext,
  printable,
  type ResolvedContext,
  resolveContext,
  type Setting,
  settingsConnection,
} from '../connection.js';

export const AIRFLOW_SECTION = 'openmetadata_secrets_manager';
const KEYS = ['kubernetes_namespace', 'kubernetes_kubeconfig_path', 'kubernetes_in_cluster'] as const;
type Key = (typeof KEYS)[number];

/** `AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_NAMESPACE` etc. */
export function airflowEnvName(key: string): string {
  return `AIRFLOW__${AIRFLOW_SECTION.toUpperCase()}__${key.toUpperCase()}`;
}

/** Where Airflow looks for its config, and which variable decided it. */
export function locateAirflowConfig(ctx: ResolvedContext): { path: string; why: string } {
  const explicit = ctx.env.AIRFLOW_CONFIG;
  if (explicit) return { path: expandEnvVar(explicit, ctx), why: 'AIRFLOW_CONFIG' };
  const home = ctx.env.AIRFLOW_HOME;
  if (home) return { path: join(expandEnvVar(home, ctx), 'airflow.cfg'), why: '$AIRFLOW_HOME/airflow.cfg' };
  return { path: join(ctx.homeDir, 'airflow', 'airflow.cfg'), why: 'default ~/airflow/airflow.cfg' };
}

/**
 * Reads the connection the way an Airflow deployment configures it.
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG for a missing or unreadable airflow.cfg, a syntax error
 *   in it, a bad boolean, or an invalid namespace (each message names the key or the path).
 */
export function loadAirflowConnection(context: LoaderContext = {}): LoadedConnection {
  const ctx = resolveContext(context);
  const warnings: string[] = [];
  const where = locateAirflowConfig(ctx);
  const envOverrides = KEYS.filter((k) => ctx.env[airflowEnvName(k)] !== undefined);
  let file: IniFile | undefined;
  try {
    file = parseIni(readFileSync(where.path, 'utf8'), where.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR' && code !== 'EACCES') throw err;
    if (code !== 'ENOENT' || envOverrides.length === 0) {
      throw omsmError(
        'OMSM_ERR_LOADER_CONFIG',
        code === 'ENOENT'
          ? `no airflow.cfg at ${where.path} (path from ${where.why}; tried AIRFLOW_CONFIG, then $AIRFLOW_HOME/airflow.cfg, then ~/airflow/airflow.cfg) and no ${airflowEnvName('*')} variables are set`
          : `cannot read airflow.cfg at ${where.path} (${code}; path from ${where.why})`,
        { path: where.path },
      );
    }
    warnings.push(`no airflow.cfg at ${where.path}; using the ${airflowEnvName('*')} variables only`);
  }
  if (file && !iniHasSection(file, AIRFLOW_SECTION) && envOverrides.length < KEYS.length) {
    const near = [...file.sections.keys()].find((s) => s.toLowerCase() === AIRFLOW_SECTION);
    warnings.push(
      near
        ? `${where.path} has [${near}], but section names are case-sensitive: rename it [${AIRFLOW_SECTION}]`
        : `${where.path} has no [${AIRFLOW_SECTION}] section; using defaults`,
    );
  }

  const get = (key: Key): Setting => {
    const envName = airflowEnvName(key);
    const fromEnv = ctx.env[envName];
    if (fromEnv !== undefined) return { value: expandEnvVar(fromEnv, ctx), source: envName };
    const fromFile = file ? iniGet(file, AIRFLOW_SECTION, key) : undefined;
    if (fromFile !== undefined) {
      return { value: expandEnvVar(fromFile, ctx), source: `${where.path} [${AIRFLOW_SECTION}] ${key}` };
    }
    return { value: undefined, source: 'default' };
  };

  const ic = get('kubernetes_in_cluster');
  const inCluster = getBoolean('kubernetes_in_cluster', ic.value, ic.source) ?? false;
  return settingsConnection(
    'airflow',
    ctx,
    {
      inCluster,
      inClusterSetting: ic,
      kubeconfig: get('kubernetes_kubeconfig_path'),
      namespace: get('kubernetes_namespace'),
    },
    warnings,
  );
}

/**
 * Airflow's `getboolean`; undefined for an unset or empty value.
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG naming the key, the value and where it came from.
 */
export function getBoolean(key: string, raw: string | undefined, source: string): boolean | undefined {
  if (raw === undefined) return undefined;
  const val = raw.toLowerCase().trim().split('#')[0]!.trim();
  if (val === '') return undefined;
  if (val === 't' || val === 'true' || val === '1') return true;
  if (val === 'f' || val === 'false' || val === '0') return false;
  throw omsmError(
    'OMSM_ERR_LOADER_CONFIG',
    `${key} is "${printable(raw)}" (from ${source}); a boolean must be one of t, true, 1, f, false, 0`,
    { path: key },
  );
}

/**
 * Airflow's `expand_env_var`: `os.path.expanduser(os.path.expandvars(v))` until nothing changes.
 * Unknown variables stay as written, like Python's expandvars.
 */
export function expandEnvVar(value: string, ctx: ResolvedContext): string {
  let cur = value;
  for (let i = 0; i < 10; i++) {
    const next = expandUser(
      cur.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
        const v = ctx.env[name.startsWith('{') ? name.slice(1, -1) : name];
        return v === undefined ? whole : v;
      }),
      ctx,
    );
    if (next === cur) return cur;
    cur = next;
  }
  return cur;
}

function expandUser(path: string, ctx: ResolvedContext): string {
  if (path === '~') return ctx.homeDir;
  return path.startsWith('~/') ? ctx.homeDir + path.slice(1) : path;
}
