/**
 * @module server/app
 *
 * The server's composition root: builds the Fastify plugin tree and never listens (main.ts does).
 * Order: shared plugins (config → errors → db → secrets → auth → metrics → repositories), then
 * health, then the API under /api/v1 with one encapsulated plugin per resource.
 *
 * @example
 * const app = await buildServer({ config, secrets, schemas });
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { ERRORS, omsmError } from '../core/errors.js';
import { silentLogger } from '../core/logging.js';
import type { ServerDeps } from './deps.js';
import { repositoriesPlugin } from './plugins/repositories-plugin.js';
import { SERVICE_TYPES } from '../domain/kinds.js';
import { authPlugin } from './plugins/auth-plugin.js';
import { configPlugin, dbPlugin, secretsPlugin } from './plugins/core-plugins.js';
import { errorPlugin } from './plugins/error-plugin.js';
import { metricsPlugin } from './plugins/metrics-plugin.js';
import { registerJsonParsers } from './plugins/json-body.js';
import { serializerCompiler } from './plugins/serializer.js';
import { validatorCompiler } from './plugins/validator.js';
import { apiRoutes } from './routes/api.js';
import { healthRoutes } from './routes/health.js';
import { openApiCollector } from './routes/openapi.js';

/** Largest request body: a Secret holds at most 1 MiB, and configs hold several. */
export const BODY_LIMIT = 4 * 1024 * 1024;
/** Deepest nesting of objects and arrays accepted in a body (upstream configs stay under 10). */
export const MAX_BODY_DEPTH = 64;
export const MAX_PARAM_LENGTH = 2048;

/** Nesting depth of `value`, counted without recursion; stops counting past `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) max = d + 1;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds (and readies) the server.
 * @throws OmsmError DB_UNAVAILABLE when the database cannot be reached for migrations;
 *   INTERNAL when a migration fails.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger ?? silentLogger(),
    bodyLimit: BODY_LIMIT,
    // Entity names are up to 256 characters, more once URL-encoded.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Fastify's own early refusals (URL too long or malformed) speak the catalogue too.
    frameworkErrors: (err, _request, reply) => {
      const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      (reply as FastifyReply).status(status).send({
        code: 'OMSM_ERR_API_INVALID',
        message: status === 414 ? 'a path parameter is too long' : 'the URL is malformed',
        fix: ERRORS.OMSM_ERR_API_INVALID.fix,
      });
    },
    // Unknown body fields are errors (as upstream's Jackson rejects them), never silently dropped.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
    return503OnClosing: true,
    // Every log line of a request carries `reqId`, and the response returns it as X-Request-Id. A
    // client's own id (a tracing proxy's) is kept when it is short and plain; anything else is
    // replaced, so a header cannot inject text into the logs.
    requestIdHeader: false,
    genReqId: (req) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
    },
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // While draining, answers close their connection so keep-alive clients do not hold the close
  // open for the keep-alive timeout (idle sockets are closed by Fastify itself).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  // Deeply nested bodies are refused before anything walks them recursively (validation, masking
  // and deep copies would overflow the stack and answer 500).
  app.addHook('preValidation', async (request) => {
    const depth = nestingDepth(request.body, MAX_BODY_DEPTH);
    if (depth > MAX_BODY_DEPTH) {
      throw omsmError('OMSM_ERR_API_INVALID', `the body is nested more than ${MAX_BODY_DEPTH} levels deep`, {
        path: 'body',
      });
    }
  });
  app.setSerializerCompiler(serializerCompiler);
  app.setValidatorCompiler(validatorCompiler);
  registerJsonParsers(app as unknown as FastifyInstance);
  try {
    // First, so the OpenAPI collector sees every route (/metrics included).
    await app.register(openApiCollector);
    await app.register(configPlugin, { deps });
    await app.register(errorPlugin);
    await app.register(dbPlugin);
    await app.register(secretsPlugin);
    await app.register(authPlugin);
    await app.register(metricsPlugin);
    await app.register(repositoriesPlugin);
    await app.register(healthRoutes);
    await app.register(apiRoutes, { prefix: '/api/v1' });
    await app.ready();
  } catch (err) {
    await app.close().catch(() => {});
    throw err;
  }
  return app as unknown as FastifyInstance;
}

export { SERVICE_TYPES };
