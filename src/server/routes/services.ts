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
import type { StoredEntity } from '../../domain/db/entity-store.js';
import { SERVICE_TYPES, type ServiceType } from '../../domain/kinds.js';
import { createServiceBody, serviceEntity } from '../schemas/service.js';
import { registerCrud } from './crud.js';

/** Upstream quotes names that contain a dot when building an FQN. */
export function fqnPart(name: string): string {
  return name.includes('.') ? `"${name}"` : name;
}

const OPTIONAL = ['displayName', 'description', 'owners', 'tags'] as const;
const ROOTS = new Set(SERVICE_TYPES.map((t) => t.root));

/**
 * A connection schema filed under `connections/<root>/` belongs to that service type: a Tableau
 * config posted to databaseServices is a 400 that names the right collection. Schemas filed
 * elsewhere (user schema dirs) are not checked.
 */
function checkCategory(app: FastifyInstance, type: ServiceType, configType: string): void {
  if (!app.omsmDeps.schemas.has(configType)) return; // the validator reports unknown types
  const m = /[\\/]connections[\\/]([a-z]+)[\\/]/.exec(app.omsmDeps.schemas.get(configType).file);
  const root = m?.[1];
  if (root && ROOTS.has(root) && root !== type.root) {
    const right = SERVICE_TYPES.find((t) => t.root === root)!;
    throw omsmError(
      'OMSM_ERR_API_INVALID',
      `${configType.slice(0, 64)} is a ${root} connection: use /api/v1/services/${right.collection}`,
      { path: 'serviceType' },
    );
  }
}

export function serviceRoutes(type: ServiceType) {
  return async function routes(app: FastifyInstance): Promise<void> {
    registerCrud(app, {
      repo: () => app.repos.of(type.kind),
      entityType: type.kind,
      createBody: createServiceBody,
      entitySchema: serviceEntity,
      readRoles: ['admin', 'bot'],
      immutable: ['serviceType'],
      async fromBody(app, body, existing?: StoredEntity) {
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
          checkCategory(app, type, String(connection.config.type));
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
