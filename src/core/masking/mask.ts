/**
 * @module core/masking/mask
 *
 * Reading and writing a config at a field path, and masking: every password field with a value
 * becomes `*********` (MASK) in what the API returns. Cleared fields (null, empty) stay as they are,
 * so a client can tell "set" from "not set" without seeing the value.
 */
import { type FieldPath, type JsonObject, type JsonValue, MASK } from '../secrets/secrets-manager-types.js';

/** The value at `path`, or undefined when any step is missing. */
export function getAt(config: JsonValue, path: FieldPath): JsonValue | undefined {
  let node: JsonValue | undefined = config;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[step as number] : (node as JsonObject)[step as string];
  }
  return node;
}

/** Sets `value` at `path` in place (the parents must exist). */
export function setAt(config: JsonObject, path: FieldPath, value: JsonValue): void {
  if (path.length === 0) return;
  const parent = getAt(config, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object' || parent === undefined) return;
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent[last as number] = value;
  else (parent as JsonObject)[last as string] = value;
}

/** A deep copy of a JSON config (the manager never mutates what it is given). */
export function cloneJson<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/**
 * A copy of `config` with every non-empty string at `paths` replaced by MASK. Pure.
 * @example maskPaths({ a: { password: 'x' } }, [['a', 'password']]) // { a: { password: '*********' } }
 */
export function maskPaths(config: JsonObject, paths: readonly FieldPath[]): JsonObject {
  const out = cloneJson(config);
  for (const path of paths) {
    const v = getAt(out, path);
    if (typeof v === 'string' && v !== '') setAt(out, path, MASK);
  }
  return out;
}

/** Dotted rendering of a field path for messages (`authType.password`, `items.0.token`). */
export function dotted(path: FieldPath): string {
  return path.map(String).join('.');
}
