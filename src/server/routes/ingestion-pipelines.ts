/**
 * @module server/routes/ingestion-pipelines
 *
 * `/api/v1/services/ingestionPipelines`: pipelines reference a service; their
 * `sourceConfig.config` may hold credentials (dbt: S3 keys, dbt Cloud tokens, ...), stored under
 * `['pipeline', name]`. Pipeline names are unique across services in omsm (their Secret names
 * derive from the name alone). `GET /{id}/workflowConfig` hands the ingestion runtime its config
 * (YAML by default, `?format=json`); a bot may read it only for the pipelines that run as that bot.
 */
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import { omsmError } from '../../core/errors.js';
import type { JsonObject } from '../../core/secrets/secrets-manager-types.js';
import { SERVICE_TYPES } from '../../domain/kinds.js';
import { botUserOf, buildWorkflowConfig, DEFAULT_INGESTION_BOT } from '../workflow-config.js';
import { errorResponses, idParams } from '../schemas/common.js';
import { createPipelineBody, pipelineEntity } from '../schemas/pipeline.js';
import { registerCrud } from './crud.js';
import { fqnPart } from './services.js';

const OPTIONAL = ['displayName', 'description', 'airflowConfig', 'loggerLevel'] as const;
const SERVICE_KINDS = new Set(SERVICE_TYPES.map((t) => t.kind));

export async function ingestionPipelineRoutes(app: FastifyInstance): Promise<void> {
  const repo = () => app.repos.of('ingestionPipeline');
  registerCrud(app, {
    repo,
    entityType: 'ingestionPipeline',
    createBody: createPipelineBody,
    entitySchema: pipelineEntity,
    readRoles: ['admin', 'bot'],
    immutable: ['service', 'pipelineType'],
    async fromBody(app, body, existing) {
      const name = String(body.name);
      const ref = (existing?.doc.service ?? body.service) as { id: string; type: string };
      if (!SERVICE_KINDS.has(ref.type)) {
        throw omsmError(
          'OMSM_ERR_API_INVALID',
          `service.type "${String(ref.type).slice(0, 64)}" is not a service type`,
          {
            path: 'service.type',
          },
        );
      }
      const service = await app.repos.of(ref.type).getById(ref.id, 'non-deleted');
      const doc: JsonObject = {
        name,
        fullyQualifiedName: `${service.doc.fullyQualifiedName ?? fqnPart(service.name)}.${fqnPart(name)}`,
        pipelineType: (existing?.doc.pipelineType ?? body.pipelineType)!,
        service: {
          id: service.id,
          type: ref.type,
          name: service.name,
          fullyQualifiedName: fqnPart(service.name),
        },
        sourceConfig: body.sourceConfig!,
        botName: (body.botName ?? existing?.doc.botName ?? DEFAULT_INGESTION_BOT) as string,
        deployed: existing?.doc.deployed ?? false,
        enabled: existing?.doc.enabled ?? true,
      };
      for (const k of OPTIONAL) if (body[k] !== undefined) doc[k] = body[k]!;
      return { name, doc };
    },
    listParent(query) {
      const svc = query.service;
      return typeof svc === 'string' && svc !== '' ? svc : undefined;
    },
  });

  app.get<{ Params: { id: string }; Querystring: { format: 'yaml' | 'json' } }>(
    '/:id/workflowConfig',
    {
      config: { auth: ['admin', 'bot'] },
      schema: {
        summary: "The pipeline's workflow config for the ingestion runtime (secrets as secret: references)",
        params: idParams,
        querystring: {
          type: 'object',
          properties: { format: { type: 'string', enum: ['yaml', 'json'], default: 'yaml' } },
          additionalProperties: false,
        },
        response: { ...errorResponses, 200: { type: 'string' } },
      },
    },
    async (request, reply) => {
      const pipeline = await repo().getById(request.params.id);
      if (request.principal?.role === 'bot') {
        const botName =
          typeof pipeline.doc.botName === 'string' ? pipeline.doc.botName : DEFAULT_INGESTION_BOT;
        const runsAs = await botUserOf(app, botName).catch(() => undefined);
        if (runsAs?.name !== request.principal.sub) {
          throw omsmError('OMSM_ERR_API_FORBIDDEN', `pipeline "${pipeline.name}" does not run as this bot`);
        }
      }
      const config = await buildWorkflowConfig(app, pipeline);
      if (request.query.format === 'json') {
        reply.type('application/json; charset=utf-8');
        return JSON.stringify(config);
      }
      reply.type('application/yaml; charset=utf-8');
      return stringify(config);
    },
  );
}
