/**
 * @module server/routes/workflows
 *
 * `/api/v1/automations/workflows`: test-connection (and similar) requests carrying a connection
 * config whose passwords are stored under `['workflow', name]`. As upstream, deleting a workflow
 * always deletes its secrets (deletes are hard).
 */
import type { FastifyInstance } from 'fastify';
import type { JsonObject } from '../../core/secrets/secrets-manager-types.js';
import { createWorkflowBody, workflowEntity } from '../schemas/pipeline.js';
import { registerCrud } from './crud.js';

const OPTIONAL = ['displayName', 'description'] as const;

export async function workflowRoutes(app: FastifyInstance): Promise<void> {
  registerCrud(app, {
    repo: () => app.repos.of('workflow'),
    entityType: 'workflow',
    createBody: createWorkflowBody,
    entitySchema: workflowEntity,
    readRoles: ['admin'],
    immutable: ['workflowType'],
    alwaysHardDelete: true,
    async fromBody(_app, body, existing) {
      const name = String(body.name);
      const doc: JsonObject = {
        name,
        fullyQualifiedName: name,
        workflowType: (existing?.doc.workflowType ?? body.workflowType)!,
        request: body.request!,
        status: existing?.doc.status ?? 'Pending',
      };
      if (existing?.doc.response !== undefined) doc.response = existing.doc.response;
      for (const k of OPTIONAL) if (body[k] !== undefined) doc[k] = body[k]!;
      return { name, doc };
    },
  });
}
