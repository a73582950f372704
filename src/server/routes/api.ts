/**
 * @module server/routes/api
 *
 * Everything under /api/v1, one encapsulated plugin per resource.
 */
import type { FastifyInstance } from 'fastify';
import { SERVICE_TYPES } from '../entities/kinds.js';
import { serviceRoutes } from './services.js';

export async function apiRoutes(app: FastifyInstance): Promise<void> {
  for (const t of SERVICE_TYPES)
    await app.register(serviceRoutes(t), { prefix: `/services/${t.collection}` });
}
