/**
 * @module core/config/config-schema
 *
 * The zod schema that turns a parsed `openmetadata.yaml` into an `OmsmConfig`. It is lenient about
 * form where upstream is (booleans and numbers may arrive as strings after substitution, `tags` as
 * a bracketed string or a YAML list, missing sections take the shipped defaults) and strict about
 * content (label rules, namespaces, ports, enums). Every message says what is allowed; the value
 * itself is added by the loader, which knows which keys hold secrets.
 *
 * Written with `zod/mini`, zod's functional API over the same core: every command that reads the
 * config loads this file, and full zod's chained API costs ~70 ms of start-up on Node 20 against
 * ~15 ms for what mini brings (docs/benchmarks.md, "Cold start"). Same parser, same issues.
 */
import * as z from 'zod/mini';
import { DB_DEFAULTS, PARAMETER_DEFAULTS, UPSTREAM_DEFAULT_FERNET_KEY } from './config-defaults.js';
import { LOADERS, LOG_LEVELS, PROVIDERS } from './config-types.js';
import { labelKeyProblem, labelValueProblem, namespaceProblem } from '../naming/labels.js';

const SCHEME_ALIASES: Record<string, keyof typeof DB_DEFAULTS> = {
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  postgresql: 'postgresql',
  postgres: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
};

const isBlank = (v: unknown): boolean => v === null || v === undefined || v === '';

/** Runs `fn` on the raw value before `schema` checks it (full zod's `z.preprocess`). */
const preprocess = <T extends z.ZodMiniType>(fn: (v: unknown) => unknown, schema: T) =>
  z.pipe(z.transform(fn), schema);

/** A string; numbers and booleans (what YAML makes of unquoted values) become their text. */
const text = (fallback: string) =>
  preprocess(
    (v) => (isBlank(v) ? fallback : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v),
    z.string({ error: 'must be a string' }),
  );

/** A non-empty string (after trimming). */
const required = (fallback: string, what: string) =>
  z.pipe(
    text(fallback),
    z.string().check(z.trim(), z.minLength(1, { error: `must not be empty (${what})` })),
  );

/** An integer given as a number or a string of digits; blank takes `fallback`. */
const integer = (fallback: number | undefined, min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  const n = z.int({ error }).check(z.minimum(min, { error }), z.maximum(max, { error }));
  return preprocess(
    (v) => {
      if (isBlank(v)) return fallback;
      if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number(v);
      return v;
    },
    fallback === undefined ? z.optional(n) : n,
  );
};

/** Upstream reads `inCluster` with Boolean.parseBoolean (true in any case); omsm also refuses typos. */
const booleanish = preprocess(
  (v) => {
    if (isBlank(v)) return false;
    if (typeof v === 'string') {
      const t = v.trim().toLowerCase();
      if (t === 'true') return true;
      if (t === 'false') return false;
    }
    return v;
  },
  z.boolean({ error: 'must be true or false (any case, quoted or not)' }),
);

const oneOf = <T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  preprocess(
    (v) => (isBlank(v) ? fallback : typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(values, { error: `must be one of ${values.join(', ')}` }),
  );

/** `[k1:v1,k2:v2]` as a string, a YAML list of `k:v` strings (or one-key maps), or a map. */
function tagEntries(v: unknown): unknown {
  if (isBlank(v)) return [];
  if (typeof v === 'string') {
    const inner = v.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
    return inner === '' ? [] : inner.split(',').map((s) => s.trim());
  }
  if (Array.isArray(v)) {
    return v.flatMap((item) =>
      item !== null && typeof item === 'object' && !Array.isArray(item)
        ? Object.entries(item as Record<string, unknown>).map(([k, val]) => `${k}:${val ?? ''}`)
        : [item],
    );
  }
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>).map(([k, val]) => `${k}:${val ?? ''}`);
  }
  return v;
}

/** `key:value` split at the first colon, both sides trimmed; `undefined` without a colon. */
function splitTag(item: string): [string, string] | undefined {
  const at = item.indexOf(':');
  return at < 0 ? undefined : [item.slice(0, at).trim(), item.slice(at + 1).trim()];
}

const tags = preprocess(
  tagEntries,
  z.pipe(
    z
      .array(z.string({ error: 'each tag must be a key:value string' }), {
        error: 'must be a list of key:value, or the string [key1:value1,key2:value2]',
      })
      .check(
        z.superRefine((items, ctx) => {
          items.forEach((item, i) => {
            const tag = splitTag(item);
            if (!tag) {
              ctx.addIssue({ code: 'custom', path: [i], message: `tag "${item}" must be key:value` });
              return;
            }
            const [key, value] = tag;
            const keyProblem = labelKeyProblem(key);
            if (keyProblem)
              ctx.addIssue({ code: 'custom', path: [i], message: `label key "${key}": ${keyProblem}` });
            const valueProblem = labelValueProblem(value);
            if (valueProblem) {
              ctx.addIssue({
                code: 'custom',
                path: [i],
                message: `label value "${value}" of "${key}": ${valueProblem}`,
              });
            }
          });
        }),
      ),
    z.transform((items: string[]) => Object.fromEntries(items.map((item) => splitTag(item)!))),
  ),
);

const namespace = required('default', 'a Kubernetes namespace').check(
  z.superRefine((ns: string, ctx) => {
    const problem = namespaceProblem(ns);
    if (problem) ctx.addIssue({ code: 'custom', message: `namespace "${ns}": ${problem}` });
  }),
);

/** A name part that must keep at least one letter or digit after cleaning (clusterName, prefix). */
const namePart = (fallback: string, allowEmpty: boolean) =>
  text(fallback).check(
    z.superRefine((s: string, ctx) => {
      if (s === '' && allowEmpty) return;
      if (!/[A-Za-z0-9]/.test(s)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must contain at least one letter or digit (it starts every Secret name)',
        });
      }
    }),
  );

const section = <T extends z.ZodMiniType>(shape: T) => preprocess((v) => (isBlank(v) ? {} : v), shape);

const list = preprocess(
  (v) => {
    if (isBlank(v)) return [];
    if (typeof v === 'string') return v.split(',');
    return v;
  },
  z.pipe(
    z.array(z.string({ error: 'each entry must be a directory path' }), {
      error: 'must be a list of directories or a comma-separated string',
    }),
    z.transform((xs: string[]) => xs.map((x) => x.trim()).filter((x) => x !== '')),
  ),
);

export const configSchema = z.object({
  clusterName: namePart('openmetadata', false),
  secretsManagerConfiguration: section(
    z.object({
      // Checked before this schema runs (the loader gives it its own error code).
      secretsManager: oneOf(PROVIDERS, 'db'),
      prefix: namePart('', true),
      tags,
      parameters: section(
        z.object({
          namespace,
          kubeconfigPath: text(''),
          inCluster: booleanish,
          accessCheck: oneOf(['fail', 'warn', 'off'] as const, 'warn'),
          requestDeadlineMs: integer(PARAMETER_DEFAULTS.requestDeadlineMs, 100, 3_600_000),
          concurrency: integer(PARAMETER_DEFAULTS.concurrency, 1, 1024),
        }),
      ),
    }),
  ),
  fernetConfiguration: section(
    z.object({
      // Absent: upstream's shipped default key (what its openmetadata.yaml gives without FERNET_KEY).
      // Present but empty is a mistake the Fernet check reports rather than a silent public key.
      fernetKey: preprocess(
        (v) => (v === undefined ? UPSTREAM_DEFAULT_FERNET_KEY : v === null ? '' : v),
        z.string({
          error: 'must be a string: one base64 key, a comma-separated list, or no_encryption_at_rest',
        }),
      ),
    }),
  ),
  pipelineServiceClientConfiguration: section(z.object({ secretsManagerLoader: oneOf(LOADERS, 'noop') })),
  // Upstream's section; its loggers and appenders are Dropwizard's and are ignored.
  logging: section(z.object({ level: oneOf(LOG_LEVELS, 'info') })),
  server: section(
    z.object({
      host: required('127.0.0.1', 'a listen address'),
      port: integer(8585, 0, 65535),
    }),
  ),
  database: section(
    z.pipe(
      z.object({
        scheme: preprocess(
          (v) =>
            isBlank(v) ? 'sqlite' : typeof v === 'string' ? (SCHEME_ALIASES[v.trim().toLowerCase()] ?? v) : v,
          z.enum(['sqlite', 'postgresql', 'mysql'], { error: 'must be one of sqlite, postgresql, mysql' }),
        ),
        host: required('localhost', 'a host name'),
        port: integer(undefined, 0, 65535),
        name: text(''),
        user: text(''),
        password: text(''),
      }),
      z.transform((db) => ({
        ...db,
        port: db.port === undefined || db.port === 0 ? DB_DEFAULTS[db.scheme].port : db.port,
        name: db.name.trim() === '' ? DB_DEFAULTS[db.scheme].name : db.name,
      })),
    ),
  ),
  authentication: section(
    z.object({
      jwtSecret: text(''),
      issuer: required('open-metadata.org', 'the JWT issuer'),
      adminToken: text(''),
      metricsToken: text(''),
    }),
  ),
  schemaDirs: list,
});
