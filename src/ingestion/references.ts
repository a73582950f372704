/**
 * @module ingestion/references
 *
 * Finding and replacing `secret:` references in a workflow config held as plain data (what
 * `JSON.parse` or `YAML.parse` returns): any depth, inside arrays too. Paths are dotted with
 * `[i]` for array items (`source.serviceConnection.config.authType.password`,
 * `steps[2].token`), so reports can point at a field without showing any value.
 *
 * Also spots Fernet tokens (`fernet:gAAAAA...`), which omsm's server puts in db-mode workflow
 * configs: the resolver opens them with the Fernet key, or refuses them (never hands on ciphertext).
 */
import { isReference } from '../core/naming/reference.js';
import { type FieldOwner, fieldOwner } from './field-owner.js';

/** A Fernet token as stored by the db provider: version byte 0x80 makes base64url start `gAAAAA`. */
const FERNET_TOKEN = /^fernet:gAAAAA[A-Za-z0-9_-]+=*$/;

export interface ScanResult {
  /** Each distinct reference string (as written) and every path it appears at. */
  readonly references: Map<string, string[]>;
  /** Each distinct Fernet token and every path it appears at. */
  readonly fernet: Map<string, string[]>;
  /** For reference paths whose place names an owner (field-owner.ts): who must own the Secret. */
  readonly owners: Map<string, FieldOwner>;
}

/** True for a `fernet:` token (the db provider's stored form). */
export function isFernetToken(value: unknown): value is string {
  return typeof value === 'string' && FERNET_TOKEN.test(value);
}

/** Joins a path and a key: `a.b`, `a[3]`; keys that are not identifiers are quoted `a["x.y"]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Every `secret:` string and Fernet token in `value` (object keys are never references).
 * @example scanReferences({ a: ['secret:x'] }).references.get('secret:x') // ['a[0]']
 */
export function scanReferences(value: unknown): ScanResult {
  const references = new Map<string, string[]>();
  const fernet = new Map<string, string[]>();
  const owners = new Map<string, FieldOwner>();
  const onPath = new Set<object>();
  const keys: (string | number)[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') {
      const ref = isReference(v);
      const into = ref ? references : isFernetToken(v) ? fernet : undefined;
      const paths = into?.get(v);
      if (paths) paths.push(path);
      else into?.set(v, [path]);
      const owner = into ? fieldOwner(value, keys) : undefined;
      if (owner) owners.set(path, owner);
      return;
    }
    if (v === null || typeof v !== 'object' || onPath.has(v)) return;
    onPath.add(v);
    const entries: [string | number, unknown][] = Array.isArray(v)
      ? v.map((item, i) => [i, item])
      : Object.entries(v);
    for (const [k, item] of entries) {
      keys.push(k);
      walk(item, childPath(path, k));
      keys.pop();
    }
    onPath.delete(v);
  };
  walk(value, '');
  return { references, fernet, owners };
}

/** True for the strings a resolver replaces: `secret:` references and Fernet tokens. */
export function isResolvable(value: unknown): value is string {
  return isReference(value) || isFernetToken(value);
}

/**
 * A deep copy of `value` with every reference (or Fernet token) replaced by its value from
 * `values`. Strings not in `values` are copied unchanged; the caller resolves everything first.
 */
export function replaceReferences<T>(value: T, values: ReadonlyMap<string, string>): T {
  const copy = (v: unknown): unknown => {
    if (typeof v === 'string') return isResolvable(v) && values.has(v) ? values.get(v) : v;
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(copy);
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) out[k] = copy(item);
    return out;
  };
  return copy(value) as T;
}
