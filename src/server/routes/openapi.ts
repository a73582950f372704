/**
 * @module server/routes/openapi
 *
 * An OpenAPI 3.0 document built from the routes themselves: the collector (registered before any
 * route) records each route's method, URL, auth rule and JSON Schemas, and
 * `GET /api/v1/openapi.json` renders them, so the document cannot drift from what is served.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { readFileSync } from 'node:fs';

const version = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

declare module 'fastify' {
  interface FastifyInstance {
    routeCatalog: RouteOptions[];
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

type Schema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

function parameters(where: 'path' | 'query', schema: unknown) {
  const s = schema as Schema | undefined;
  return Object.entries(s?.properties ?? {}).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || (s?.required ?? []).includes(name),
    schema: p,
  }));
}

/** The OpenAPI document of every route registered so far. */
export function buildOpenApi(routes: readonly RouteOptions[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD');
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const schema = (r.schema ?? {}) as Record<string, unknown>;
    const auth = (r.config as { auth?: unknown } | undefined)?.auth ?? ['admin'];
    for (const m of methods) {
      const op: Record<string, unknown> = {
        operationId: `${m.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_x, c: string | undefined) => (c ?? '').toUpperCase())}`,
        parameters: [...parameters('path', schema.params), ...parameters('query', schema.querystring)],
        responses: Object.fromEntries(
          Object.entries((schema.response ?? { 200: {} }) as Record<string, unknown>).map(([code, s]) => [
            code,
            { description: code, content: { 'application/json': { schema: s } } },
          ]),
        ),
      };
      if (schema.body) {
        const type = m === 'PATCH' ? 'application/json-patch+json' : 'application/json';
        op.requestBody = { required: true, content: { [type]: { schema: schema.body } } };
      }
      if (auth === 'public') op.security = [];
      else op['x-omsm-roles'] = auth;
      paths[path] ??= {};
      paths[path]![m.toLowerCase()] = op;
    }
  }
  return {
    openapi: '3.0.3',
    info: { title: 'omsm API (OpenMetadata-compatible subset)', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/openapi.json',
    {
      config: { auth: ['admin', 'bot'] },
      schema: { response: { 200: { type: 'object', additionalProperties: true } } },
    },
    async () => buildOpenApi(app.routeCatalog),
  );
}
