/**
 * @module server/routes/api
 *
 * Everything under /api/v1, one encapsulated plugin per resource.
 */
import type { FastifyInstance } from 'fastify';
import { SERVICE_TYPES } from '../../domain/kinds.js';
import { botRoutes } from './bots.js';
import { ingestionPipelineRoutes } from './ingestion-pipelines.js';
import { openApiRoutes } from './openapi.js';
import { serviceRoutes } from './services.js';
import { userRoutes } from './users.js';
import { workflowRoutes } from './workflows.js';

export async function apiRoutes(app: FastifyInstance): Promise<void> {
  for (const t of SERVICE_TYPES)
    await app.register(serviceRoutes(t), { prefix: `/services/${t.collection}` });
  await app.register(ingestionPipelineRoutes, { prefix: '/services/ingestionPipelines' });
  await app.register(botRoutes, { prefix: '/bots' });
  await app.register(userRoutes, { prefix: '/users' });
  await app.register(workflowRoutes, { prefix: '/automations/workflows' });
  await app.register(openApiRoutes);
}
