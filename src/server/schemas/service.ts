/**
 * @module server/schemas/service
 *
 * Request and response shapes of `/api/v1/services/<type>` (upstream's Create*Service and *Service).
 * `connection.config` is free-form here; its own JSON Schema (by `type`) is checked by the config
 * validator, and password fields leave the server only masked.
 */
import { connectionConfig, entityBase, entityName } from './common.js';

export const createServiceBody = {
  type: 'object',
  properties: {
    name: entityName,
    displayName: { type: 'string', maxLength: 256 },
    description: { type: 'string', maxLength: 65536 },
    serviceType: { type: 'string', minLength: 1, maxLength: 128 },
    connection: {
      type: 'object',
      properties: { config: connectionConfig },
      additionalProperties: false,
    },
    owners: { type: 'array', maxItems: 100 },
    tags: { type: 'array', maxItems: 100 },
  },
  required: ['name', 'serviceType'],
  additionalProperties: false,
} as const;

export const serviceEntity = {
  type: 'object',
  properties: {
    ...entityBase,
    serviceType: { type: 'string' },
    connection: {
      type: 'object',
      properties: { config: { type: 'object', additionalProperties: true } },
    },
    owners: { type: 'array' },
    tags: { type: 'array' },
  },
  additionalProperties: false,
} as const;
