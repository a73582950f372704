/**
 * @module server/routes/openapi
 *
 * An OpenAPI 3.1 document built from the routes themselves: the collector (registered before any
 * route) records each route's method, URL, auth rule and JSON Schemas, and
 * `GET /api/v1/openapi.json` renders them, so the document cannot drift from what is served.
 *
 * - 3.1 because its Schema Object is JSON Schema: the route schemas (which Fastify compiles as JSON
 *   Schema) go in unchanged.
 * - The schemas the routes share (entities, create bodies, the error body, paging...) are exported
 *   constants of `../schemas/`; each becomes one entry of `components.schemas`, referenced by
 *   `$ref`, found by object identity (routes pass the constant itself).
 * - Tags and summaries follow from the URL: one tag per collection, a summary per URL shape; a
 *   route with another shape says its own (`schema.summary`).
 * - Public, like upstream's swagger: the document describes the API and holds no secrets or data,
 *   and a client generator or validator must be able to read it before it has a token
 *   (docs/api.md#openapi).
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { readFileSync } from 'node:fs';
import * as bot from '../schemas/bot.js';
import * as common from '../schemas/common.js';
import * as pipeline from '../schemas/pipeline.js';
import * as service from '../schemas/service.js';

const version = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

declare module 'fastify' {
  interface FastifyInstance {
    routeCatalog: RouteOptions[];
  }
  interface FastifySchema {
    /** One line for the OpenAPI document, for a route whose URL shape has no derived summary. */
    summary?: string;
  }
}

export const openApiCollector = fp(
  async (app) => {
    const list: RouteOptions[] = [];
    app.decorate('routeCatalog', list);
    app.addHook('onRoute', (route) => {
      list.push(route);
    });
  },
  { name: 'omsm-openapi' },
);

type Json = Record<string, unknown>;

/** Shared schema constants by identity → component name (`serviceEntity` → `ServiceEntity`). */
const NAMED = new Map<object, string>();
for (const mod of [common, service, bot, pipeline]) {
  for (const [key, value] of Object.entries(mod)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const name = key[0]!.toUpperCase() + key.slice(1);
      NAMED.set(value, name);
      if (name.endsWith('Entity')) NAMED.set(common.listOf(value), `${name}List`);
    }
  }
}

/** Error responses every operation shares, written once under `components.responses`. */
const SHARED_RESPONSES: Record<string, string> = { '4XX': 'ClientError', '5XX': 'ServerError' };

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '204': 'No content',
  '4XX': 'Client error: the error body names the code, the field and the fix (docs/errors.md)',
  '5XX': 'Server or backend error (docs/errors.md)',
  '503': 'Not ready',
};

/** Replaces shared schema constants by `$ref`s, collecting them into `components`. */
class Components {
  readonly schemas: Record<string, unknown> = {};

  ref(schema: unknown): unknown {
    if (schema === null || typeof schema !== 'object') return schema;
    const name = NAMED.get(schema);
    if (name !== undefined) {
      if (!(name in this.schemas)) {
        this.schemas[name] = {}; // placeholder first: a schema that contains itself ends here
        this.schemas[name] = this.#walk(schema);
      }
      return { $ref: `#/components/schemas/${name}` };
    }
    return this.#walk(schema);
  }

  #walk(schema: object): unknown {
    if (Array.isArray(schema)) return schema.map((s) => this.ref(s));
    const out: Json = {};
    for (const [k, v] of Object.entries(schema)) {
      // Values under these keys are data, not schemas.
      out[k] =
        k === 'enum' || k === 'const' || k === 'default' || k === 'required' || k === 'examples'
          ? v
          : this.ref(v);
    }
    return out;
  }
}

function parameters(where: 'path' | 'query', schema: unknown, c: Components) {
  const s = schema as (Json & { properties?: Json; required?: string[] }) | undefined;
  return Object.entries(s?.properties ?? {}).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || (s?.required ?? []).includes(name),
    schema: c.ref(p),
  }));
}

/** `4xx` (Fastify's spelling) → `4XX` (OpenAPI's). */
function statusKey(code: string): string {
  return /^[1-5]xx$/i.test(code) ? code.toUpperCase() : code;
}

/** The collection a URL belongs to (its tag) and the rest of the URL after it. */
function splitUrl(url: string): { tag: string; rest: string } {
  const m = /^\/api\/v1\/(?:services\/|automations\/)?([^/]+)\/?(.*)$/.exec(url);
  if (!m || m[1] === 'openapi.json') return { tag: 'system', rest: url };
  return { tag: m[1]!, rest: m[2]! };
}

/** One line per URL shape of the entity collections; undefined for other shapes. */
function derivedSummary(method: string, tag: string, rest: string): string | undefined {
  const one = tag.replace(/s$/, '');
  const shapes: Record<string, string> = {
    'GET ': `List ${tag}`,
    'POST ': `Create a ${one}`,
    'PUT ': `Create or update a ${one} (by name)`,
    'GET :id': `Get a ${one} by id`,
    'GET name/:name': `Get a ${one} by fully qualified name`,
    'PATCH :id': `Update a ${one} with a JSON Patch`,
    'DELETE :id': `Delete a ${one} by id (soft unless hardDelete=true)`,
    'DELETE name/:name': `Delete a ${one} by fully qualified name (soft unless hardDelete=true)`,
    'PUT restore': `Restore a soft-deleted ${one}`,
  };
  return shapes[`${method} ${rest}`];
}

/** The OpenAPI document of every route registered so far. */
export function buildOpenApi(routes: readonly RouteOptions[]): Json {
  const c = new Components();
  const paths: Record<string, Json> = {};
  const tags = new Set<string>();
  for (const r of routes) {
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD');
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const schema = (r.schema ?? {}) as Json & { summary?: string };
    const auth = (r.config as { auth?: unknown } | undefined)?.auth ?? ['admin'];
    const { tag, rest } = splitUrl(r.url);
    tags.add(tag);
    for (const m of methods) {
      const op: Json = {
        tags: [tag],
        summary: schema.summary ?? derivedSummary(m, tag, rest),
        operationId: `${m.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_x, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
        parameters: [...parameters('path', schema.params, c), ...parameters('query', schema.querystring, c)],
        responses: Object.fromEntries(
          Object.entries((schema.response ?? { 200: {} }) as Json).map(([code, s]) => {
            const key = statusKey(code);
            const shared = SHARED_RESPONSES[key];
            if (shared && s === common.errorBody) return [key, { $ref: `#/components/responses/${shared}` }];
            // A string body is text (the Prometheus exposition, YAML), everything else JSON.
            const type = (s as Json | undefined)?.type === 'string' ? 'text/plain' : 'application/json';
            return [key, { description: STATUS_TEXT[key] ?? key, content: { [type]: { schema: c.ref(s) } } }];
          }),
        ),
      };
      if (schema.body) {
        const type = m === 'PATCH' ? 'application/json-patch+json' : 'application/json';
        op.requestBody = { required: true, content: { [type]: { schema: c.ref(schema.body) } } };
      }
      if (auth === 'public') op.security = [];
      else op['x-omsm-roles'] = auth;
      paths[path] ??= {};
      paths[path]![m.toLowerCase()] = op;
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'omsm API (OpenMetadata-compatible subset)', version },
    tags: [...tags].sort().map((name) => ({ name })),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: c.schemas,
      responses: Object.fromEntries(
        Object.entries(SHARED_RESPONSES).map(([key, name]) => [
          name,
          {
            description: STATUS_TEXT[key],
            content: { 'application/json': { schema: c.ref(common.errorBody) } },
          },
        ]),
      ),
    },
    security: [{ bearer: [] }],
    paths,
  };
}

export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/openapi.json',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'This OpenAPI document (public: it holds no secrets or data)',
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async () => buildOpenApi(app.routeCatalog),
  );
}
