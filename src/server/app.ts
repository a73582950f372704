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
import Fastify, { type FastifyInstance } from 'fastify';
import { silentLogger } from '../core/logging.js';
import type { ServerDeps } from './deps.js';
import { repositoriesPlugin } from './entities/entity-repository.js';
import { SERVICE_TYPES } from './entities/kinds.js';
import { authPlugin } from './plugins/auth-plugin.js';
import { configPlugin, dbPlugin, secretsPlugin } from './plugins/core-plugins.js';
import { errorPlugin } from './plugins/error-plugin.js';
import { metricsPlugin } from './plugins/metrics-plugin.js';
import { serializerCompiler } from './plugins/serializer.js';
import { validatorCompiler } from './plugins/validator.js';
import { apiRoutes } from './routes/api.js';
import { healthRoutes } from './routes/health.js';
import { openApiCollector } from './routes/openapi.js';

/** Largest request body: a Secret holds at most 1 MiB, and configs hold several. */
export const BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Builds (and readies) the server.
 * @throws OmsmError DB_UNAVAILABLE when the database cannot be reached for migrations;
 *   INTERNAL when a migration fails.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger ?? silentLogger(),
    bodyLimit: BODY_LIMIT,
    // Unknown body fields are errors (as upstream's Jackson rejects them), never silently dropped.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
    return503OnClosing: true,
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
  app.setSerializerCompiler(serializerCompiler);
  app.setValidatorCompiler(validatorCompiler);
  // Upstream's PATCH sends RFC 6902 patches with their own media type.
  app.addContentTypeParser(
    'application/json-patch+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  try {
    await app.register(configPlugin, { deps });
    await app.register(errorPlugin);
    await app.register(dbPlugin);
    await app.register(secretsPlugin);
    await app.register(authPlugin);
    await app.register(metricsPlugin);
    await app.register(repositoriesPlugin);
    await app.register(openApiCollector);
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
