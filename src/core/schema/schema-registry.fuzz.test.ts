/**
 * Property tests for JSON Schema walking (`SchemaRegistry.passwordPaths`) over every shipped
 * connection schema:
 *
 * - soundness, on any JSON object (random, schema-shaped, and schema-shaped then mutated): it never
 *   throws, and every reported path holds a string (or null with includeNull) and can be reached in
 *   the schema (through any oneOf/anyOf/allOf alternative) at a node with `format: password`;
 * - completeness, on instances generated from a schema: every password field the generator filled
 *   (following one alternative, as a client would) is reported — a missed one would be stored in
 *   the database in clear.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadSchemaRegistry, type JsonSchema, type SchemaNode } from './schema-registry.js';
import type { FieldPath, JsonObject, JsonValue } from '../secrets/secrets-manager-types.js';

const reg = loadSchemaRegistry();
const NAMES = reg.names();
const RUNS = 300;

/** A small deterministic PRNG so one fast-check integer drives a whole generated instance. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function node(name: string): SchemaNode {
  const e = reg.get(name);
  return { schema: e.schema, file: e.file };
}

/** Every variant a node can take: itself and, recursively, its oneOf/anyOf/allOf members. */
function variants(n: SchemaNode, depth = 0): SchemaNode[] {
  if (depth > 20) return [];
  const here = reg.deref(n);
  const at = (s: JsonSchema) => ({ schema: s, file: here.file });
  const subs = [...(here.schema.oneOf ?? []), ...(here.schema.anyOf ?? []), ...(here.schema.allOf ?? [])];
  return [here, ...subs.flatMap((s) => variants(at(s), depth + 1))];
}

/** Oracle: the schema nodes a path can reach, taking every alternative (a superset of the walker's). */
function reachable(root: SchemaNode, path: FieldPath): SchemaNode[] {
  let current = [root];
  for (const step of path) {
    const next: SchemaNode[] = [];
    for (const v of current.flatMap((c) => variants(c))) {
      const s = v.schema;
      const at = (x: JsonSchema) => ({ schema: x, file: v.file });
      if (typeof step === 'number') {
        if (Array.isArray(s.items)) {
          const it = s.items[step] ?? s.additionalItems;
          if (it && typeof it === 'object') next.push(at(it as JsonSchema));
        } else if (s.items && typeof s.items === 'object') next.push(at(s.items as JsonSchema));
        continue;
      }
      if (s.properties && Object.hasOwn(s.properties, step)) next.push(at(s.properties[step]!));
      for (const [p, sub] of Object.entries(s.patternProperties ?? {}))
        if (new RegExp(p, 'u').test(step)) next.push(at(sub));
      if (typeof s.additionalProperties === 'object') next.push(at(s.additionalProperties));
    }
    current = next;
  }
  return current.flatMap((c) => variants(c));
}

function getAt(v: JsonValue | undefined, path: FieldPath): JsonValue | undefined {
  let cur = v;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, JsonValue>)[p];
  }
  return cur;
}

function checkSound(name: string, config: JsonObject, includeNull: boolean): FieldPath[] {
  const paths = reg.passwordPaths(name, config, { includeNull });
  for (const path of paths) {
    const v = getAt(config, path);
    assert.ok(
      typeof v === 'string' || (includeNull && v === null),
      `${name} ${JSON.stringify(path)} holds ${typeof v}`,
    );
    const nodes = reachable(node(name), path);
    assert.ok(
      nodes.some((n) => n.schema.format === 'password'),
      `${name}: ${JSON.stringify(path)} is reported but no schema reaching it says format: password`,
    );
  }
  return paths;
}

/** A schema-shaped instance; `passwords` collects the password fields it filled. */
function instance(
  n: SchemaNode,
  path: (string | number)[],
  rnd: () => number,
  passwords: FieldPath[],
  depth: number,
): JsonValue {
  const here = reg.deref(n);
  const at = (x: JsonSchema) => ({ schema: x, file: here.file });
  let s = here.schema;
  if (depth > 10) return null;
  const alts = [...(s.oneOf ?? []), ...(s.anyOf ?? [])];
  if (alts.length > 0 && !s.properties)
    return instance(at(alts[Math.floor(rnd() * alts.length)]!), path, rnd, passwords, depth + 1);
  if (s.allOf) {
    const merged: Record<string, JsonSchema> = { ...(s.properties ?? {}) };
    for (const sub of s.allOf) Object.assign(merged, reg.deref(at(sub)).schema.properties ?? {});
    s = { ...s, properties: merged, allOf: undefined };
  }
  if (s.const !== undefined) return s.const as JsonValue;
  if (Array.isArray(s.enum) && s.enum.length > 0)
    return s.enum[Math.floor(rnd() * s.enum.length)] as JsonValue;
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    const out: JsonObject = {};
    for (const [k, sub] of Object.entries(s.properties ?? {})) {
      if ((s.required ?? []).includes(k) || rnd() < 0.6)
        out[k] = instance(at(sub), [...path, k], rnd, passwords, depth + 1);
    }
    return out;
  }
  if (type === 'array') {
    const items = s.items && !Array.isArray(s.items) ? (s.items as JsonSchema) : undefined;
    return items
      ? Array.from({ length: Math.floor(rnd() * 3) }, (_, i) =>
          instance(at(items), [...path, i], rnd, passwords, depth + 1),
        )
      : [];
  }
  if (type === 'integer' || type === 'number') return Math.floor(rnd() * 1000);
  if (type === 'boolean') return rnd() < 0.5;
  if (s.format === 'password') passwords.push([...path]);
  return `v${Math.floor(rnd() * 1e6)}`;
}

const jsonObject = fc.dictionary(
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>,
  { maxKeys: 6 },
);

test(`random JSON objects against every shipped schema (${NAMES.length}): never throws, every path is a password`, () => {
  fc.assert(
    fc.property(fc.constantFrom(...NAMES), jsonObject, fc.boolean(), (name, config, includeNull) => {
      checkSound(name, config, includeNull);
    }),
    { numRuns: RUNS },
  );
});

test('schema-shaped instances: every password field the instance fills is reported (and only password fields)', () => {
  let reported = 0;
  fc.assert(
    fc.property(fc.constantFrom(...NAMES), fc.integer(), (name, seed) => {
      const passwords: FieldPath[] = [];
      const config = instance(node(name), [], prng(seed), passwords, 0);
      if (config === null || typeof config !== 'object' || Array.isArray(config)) return;
      const found = checkSound(name, config, false).map((p) => JSON.stringify(p));
      reported += found.length;
      for (const p of passwords)
        assert.ok(
          found.includes(JSON.stringify(p)),
          `${name}: password at ${JSON.stringify(p)} not reported`,
        );
    }),
    { numRuns: RUNS },
  );
  assert.ok(reported > 50, `only ${reported} password fields reported in all`);
});

/** Random JSON put at a random place of an object (type changes, unknown keys, deep nesting). */
function mutate(config: JsonObject, rnd: () => number, junk: JsonValue, key: string): JsonObject {
  const copy = structuredClone(config);
  let cur: JsonValue = copy;
  for (let i = 0; i < 6; i++) {
    if (cur === null || typeof cur !== 'object') break;
    const keys: string[] = Object.keys(cur);
    if (keys.length === 0 || rnd() < 0.3) break;
    const k: string = keys[Math.floor(rnd() * keys.length)]!;
    const child: JsonValue = (cur as Record<string, JsonValue>)[k]!;
    if (child === null || typeof child !== 'object' || rnd() < 0.3) {
      (cur as Record<string, JsonValue>)[k] = junk;
      return copy;
    }
    cur = child;
  }
  if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) (cur as JsonObject)[key] = junk;
  return copy;
}

const deep = fc.integer({ min: 50, max: 2000 }).map((n) => {
  let v: JsonValue = 'x';
  for (let i = 0; i < n; i++) v = i % 2 ? { password: 'x', authType: v } : [v];
  return v;
});

test('schema-shaped instances mutated (wrong types, unknown keys, deep nesting, __proto__): never throws, stays sound', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...NAMES),
      fc.integer(),
      fc.oneof(fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>, deep),
      fc.constantFrom('password', 'authType', 'type', '__proto__', 'constructor', 'toString', 'x', '0'),
      fc.boolean(),
      (name, seed, junk, key, includeNull) => {
        const rnd = prng(seed);
        const base = instance(node(name), [], rnd, [], 0);
        if (base === null || typeof base !== 'object' || Array.isArray(base)) return;
        const config = JSON.parse(JSON.stringify(mutate(base, rnd, junk, key))) as JsonObject;
        checkSound(name, config, includeNull);
      },
    ),
    { numRuns: RUNS },
  );
});
