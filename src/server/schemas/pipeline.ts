/**
 * @module server/schemas/pipeline
 *
 * Shapes of `/api/v1/services/ingestionPipelines` (upstream's CreateIngestionPipeline and
 * IngestionPipeline) and of `/api/v1/automations/workflows` (CreateWorkflow, Workflow).
 */
import { connectionConfig, entityBase, entityName, entityReference } from './common.js';

export const createPipelineBody = {
  type: 'object',
  properties: {
    name: entityName,
    displayName: { type: 'string', maxLength: 256 },
    description: { type: 'string', maxLength: 65536 },
    pipelineType: {
      type: 'string',
      enum: [
        'metadata',
        'usage',
        'lineage',
        'dbt',
        'profiler',
        'TestSuite',
        'dataInsight',
        'elasticSearchReindex',
        'application',
        'autoClassification',
      ],
    },
    service: {
      type: 'object',
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 64 },
        type: { type: 'string', maxLength: 64 },
      },
      required: ['id', 'type'],
    },
    sourceConfig: {
      type: 'object',
      properties: { config: connectionConfig },
      required: ['config'],
      additionalProperties: false,
    },
    airflowConfig: { type: 'object' },
    loggerLevel: { type: 'string', enum: ['DEBUG', 'INFO', 'WARN', 'ERROR'] },
    botName: { type: 'string', minLength: 1, maxLength: 256 },
  },
  required: ['name', 'pipelineType', 'service', 'sourceConfig'],
  additionalProperties: false,
} as const;

export const pipelineEntity = {
  type: 'object',
  properties: {
    ...entityBase,
    pipelineType: { type: 'string' },
    service: entityReference,
    sourceConfig: { type: 'object', properties: { config: { type: 'object', additionalProperties: true } } },
    airflowConfig: { type: 'object', additionalProperties: true },
    loggerLevel: { type: 'string' },
    botName: { type: 'string' },
    deployed: { type: 'boolean' },
    enabled: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;

export const createWorkflowBody = {
  type: 'object',
  properties: {
    name: entityName,
    displayName: { type: 'string', maxLength: 256 },
    description: { type: 'string', maxLength: 65536 },
    workflowType: { type: 'string', enum: ['TEST_CONNECTION', 'REVERSE_INGESTION'] },
    request: {
      type: 'object',
      properties: {
        connection: {
          type: 'object',
          properties: { config: connectionConfig },
          required: ['config'],
          additionalProperties: false,
        },
        serviceType: { type: 'string', maxLength: 64 },
        connectionType: { type: 'string', maxLength: 128 },
        serviceName: { type: 'string', maxLength: 256 },
        secretsManagerProvider: { type: 'string', maxLength: 64 },
      },
      required: ['connection'],
      additionalProperties: false,
    },
  },
  required: ['name', 'workflowType', 'request'],
  additionalProperties: false,
} as const;

export const workflowEntity = {
  type: 'object',
  properties: {
    ...entityBase,
    workflowType: { type: 'string' },
    status: { type: 'string' },
    request: {
      type: 'object',
      properties: {
        connection: {
          type: 'object',
          properties: { config: { type: 'object', additionalProperties: true } },
        },
        serviceType: { type: 'string' },
        connectionType: { type: 'string' },
        serviceName: { type: 'string' },
        secretsManagerProvider: { type: 'string' },
      },
    },
    response: { type: 'object', additionalProperties: true },
  },
  additionalProperties: false,
} as const;
