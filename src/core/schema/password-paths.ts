/**
 * @module core/schema/password-paths
 *
 * Finds the password fields of a config by walking the config and its JSON Schema together: only
 * fields present in the config are reported, so a oneOf alternative that the config does not use
 * contributes nothing. For oneOf/anyOf the walker picks the alternatives the object fits (its keys
 * are among the alternative's properties, its required keys are present, and no `const`/`enum`
 * property disagrees); when several fit it takes all of them (a field that is a password in any
 * plausible reading is treated as one: masking too much is safe, too little is a leak).
 */
import type { FieldPath, JsonObject, JsonValue } from '../secrets/secrets-manager-types.js';
import type { JsonSchema, SchemaNode, SchemaRegistry } from './schema-registry.js';

const MAX_DEPTH = 64;

/**
 * Paths (property names and array indexes) of string fields whose schema says `format: password`;
 * with `includeNull`, also of such fields holding null (a cleared password).
 */
export function walkPasswordPaths(
  registry: SchemaRegistry,
  root: SchemaNode,
  config: JsonObject,
  options: { includeNull?: boolean } = {},
): FieldPath[] {
  const found = new Map<string, FieldPath>();
  const visit = (
    node: SchemaNode,
    value: JsonValue | undefined,
    path: (string | number)[],
    depth: number,
  ) => {
    if (depth > MAX_DEPTH || value === undefined) return;
    const here = registry.deref(node);
    const s = here.schema;
    const at = (schema: JsonSchema): SchemaNode => ({ schema, file: here.file });
    for (const sub of s.allOf ?? []) visit(at(sub), value, path, depth + 1);
    if (s.oneOf || s.anyOf) {
      for (const alt of choose(alternativesOf(registry, here), value)) visit(alt, value, path, depth + 1);
    }

    if (typeof value === 'string' || (value === null && options.includeNull)) {
      if (s.format === 'password') found.set(JSON.stringify(path), [...path]);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const itemSchema = Array.isArray(s.items) ? (s.items[i] ?? s.additionalItems) : s.items;
        if (itemSchema && typeof itemSchema === 'object')
          visit(at(itemSchema as JsonSchema), item, [...path, i], depth + 1);
      });
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const sub = propertySchema(s, key);
        if (sub) visit(at(sub), child, [...path, key], depth + 1);
      }
    }
  };
  visit(root, config, [], 0);
  return [...found.values()];
}

/** The oneOf/anyOf alternatives of a schema node, dereferenced; cached (schemas never change). */
const alternativesCache = new WeakMap<JsonSchema, Map<string, SchemaNode[]>>();
function alternativesOf(registry: SchemaRegistry, here: SchemaNode): SchemaNode[] {
  const s = here.schema;
  let byFile = alternativesCache.get(s);
  let found = byFile?.get(here.file);
  if (found) return found;
  found = [...(s.oneOf ?? []), ...(s.anyOf ?? [])].map((a) => registry.deref({ schema: a, file: here.file }));
  if (!byFile) {
    byFile = new Map();
    alternativesCache.set(s, byFile);
  }
  byFile.set(here.file, found);
  return found;
}

const patterns = new Map<string, RegExp>();
function patternFor(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    patterns.set(pattern, re);
  }
  return re;
}

function propertySchema(s: JsonSchema, key: string): JsonSchema | undefined {
  const direct = s.properties?.[key];
  if (direct) return direct;
  for (const [pattern, sub] of Object.entries(s.patternProperties ?? {})) {
    if (patternFor(pattern).test(key)) return sub;
  }
  return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
}

/** The alternatives a value plausibly follows (see the module comment). */
function choose(alternatives: SchemaNode[], value: JsonValue): SchemaNode[] {
  if (alternatives.length === 0) return [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return alternatives;
  const keys = Object.keys(value);
  const candidates = alternatives.filter((alt) => !disagrees(alt.schema, value));
  const fits = candidates.filter((alt) => {
    const props = alt.schema.properties ?? {};
    const open = alt.schema.additionalProperties !== false;
    return (
      keys.every((k) => k in props || open) && (alt.schema.required ?? []).every((r) => keys.includes(r))
    );
  });
  if (fits.length > 0) return fits;
  const overlap = (alt: SchemaNode) => keys.filter((k) => k in (alt.schema.properties ?? {})).length;
  const best = Math.max(0, ...candidates.map(overlap));
  return best > 0 ? candidates.filter((alt) => overlap(alt) === best) : candidates;
}

/** True when a property with `const`/`enum` in the alternative rules out the value's own. */
function disagrees(s: JsonSchema, value: JsonObject): boolean {
  for (const [key, v] of Object.entries(value)) {
    const p = s.properties?.[key];
    if (!p || v === null || typeof v === 'object') continue;
    if ('const' in p && p.const !== v) return true;
    if (Array.isArray(p.enum) && !p.enum.includes(v)) return true;
  }
  return false;
}
