/**
 * @module server/plugins/serializer
 *
 * The response serializer: JSON.stringify after pruning the payload to its response schema. Where
 * a schema declares `additionalProperties: false`, undeclared fields are dropped (the safety net
 * fast-json-stringify gives: internal fields such as a bot's token id can never be serialized),
 * nested objects and arrays are pruned by their own schemas. Fastify's default compiles a
 * fast-json-stringify function for every route and status at start-up, about 2 s for omsm's ~120
 * routes on a small machine; this compiles nothing.
 */

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
};

type Pruner = (value: unknown) => unknown;

const identity: Pruner = (v) => v;

/** A function that copies `value` keeping only what `schema` allows. */
export function pruner(schema: Schema | undefined): Pruner {
  if (!schema || typeof schema !== 'object') return identity;
  if (schema.items) {
    const item = pruner(schema.items);
    return (v) => (Array.isArray(v) ? v.map(item) : v);
  }
  if (!schema.properties) return identity;
  const props = Object.entries(schema.properties).map(([k, s]) => [k, pruner(s)] as const);
  const keepOthers = schema.additionalProperties !== false;
  return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = keepOthers ? { ...src } : {};
    for (const [k, p] of props) if (src[k] !== undefined) out[k] = p(src[k]);
    return out;
  };
}

/** Fastify serializer compiler built on `pruner`. */
export function serializerCompiler({ schema }: { schema: unknown }): (data: unknown) => string {
  const s = schema as Schema;
  if (s?.type === 'string') return (data) => (typeof data === 'string' ? data : JSON.stringify(data));
  const prune = pruner(s);
  return (data) => JSON.stringify(prune(data));
}
