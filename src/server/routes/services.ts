/**
 * @module server/routes/services
 *
 * `/api/v1/services/<type>` for every service type (databaseServices, dashboardServices, ...): the
 * shared CRUD routes with a service's body rules. `serviceType` must match
 * `connection.config.type`; a PUT without `connection` keeps the stored one (ingestion updates
 * services that way); the children of a service are its ingestion pipelines.
 */
import type { FastifyInstance } from 'fastify';
import { omsmError } from '../../core/errors.js';
import type { JsonObject } from '../../core/secrets/secrets-manager-types.js';
import type { StoredEntity } from '../db/entity-store.js';
import type { ServiceType } from '../entities/kinds.js';
import { createServiceBody, serviceEntity } from '../schemas/service.js';
import { registerCrud } from './crud.js';

/** Upstream quotes names that contain a dot when building an FQN. */
export function fqnPart(name: string): string {
  return name.includes('.') ? `"${name}"` : name;
}

const OPTIONAL = ['displayName', 'description', 'owners', 'tags'] as const;

export function serviceRoutes(type: ServiceType) {
  return async function routes(app: FastifyInstance): Promise<void> {
    registerCrud(app, {
      repo: () => app.repos.of(type.kind),
      entityType: type.kind,
      createBody: createServiceBody,
      entitySchema: serviceEntity,
      readRoles: ['admin', 'bot'],
      immutable: ['serviceType'],
      async fromBody(_app, body, existing?: StoredEntity) {
        const name = String(body.name);
        const doc: JsonObject = { name, fullyQualifiedName: fqnPart(name), serviceType: body.serviceType! };
        for (const k of OPTIONAL) if (body[k] !== undefined) doc[k] = body[k]!;
        const connection = body.connection as { config?: JsonObject } | undefined;
        if (connection?.config) {
          if (connection.config.type !== body.serviceType) {
            throw omsmError(
              'OMSM_ERR_API_INVALID',
              `connection.config.type must equal serviceType "${String(body.serviceType).slice(0, 128)}"`,
              { path: 'connection.config.type' },
            );
          }
          doc.connection = { config: connection.config };
        } else if (existing?.doc.connection !== undefined) {
          doc.connection = existing.doc.connection;
        }
        return { name, doc };
      },
      async children(app, e) {
        const pipelines = app.repos.of('ingestionPipeline');
        const out = [];
        for await (const page of app.store.scan(['ingestionPipeline'])) {
          for (const p of page) {
            if ((p.doc.service as { id?: string } | undefined)?.id === e.id)
              out.push({ repo: pipelines, entity: p });
          }
        }
        return out;
      },
    });
  };
}
