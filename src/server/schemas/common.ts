/**
 * @module server/schemas/common
 *
 * JSON Schemas shared by every route: error bodies (one per status), paging, entity references,
 * path and query parameters. Response schemas are a safety net: the serializer drops every field a
 * schema does not declare, so internal fields cannot reach a response by accident.
 */

export const errorBody = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    fix: { type: 'string' },
    details: {
      type: 'object',
      properties: {
        path: { type: 'string' },
        issues: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              path: { type: 'string' },
              code: { type: 'string' },
              message: { type: 'string' },
              fix: { type: 'string' },
            },
          },
        },
      },
    },
  },
  required: ['code', 'message'],
} as const;

/**
 * Error responses every authenticated route may give (400, 401, 403, 404, 409; 500 and 503).
 * Status ranges keep start-up fast: each schema is compiled into a serializer per route.
 */
export const errorResponses = {
  '4xx': errorBody,
  '5xx': errorBody,
} as const;

export const entityReference = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    name: { type: 'string' },
    fullyQualifiedName: { type: 'string' },
    displayName: { type: 'string' },
    deleted: { type: 'boolean' },
  },
} as const;

export const paging = {
  type: 'object',
  properties: { before: { type: 'string' }, after: { type: 'string' }, total: { type: 'integer' } },
  required: ['total'],
} as const;

/** Upstream's entityName: 1-256 characters, no `::`. */
export const entityName = { type: 'string', minLength: 1, maxLength: 256, pattern: '^((?!::).)*$' } as const;

export const idParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['id'],
} as const;

export const nameParams = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 2048 } },
  required: ['name'],
} as const;

export const includeQuery = {
  type: 'object',
  properties: {
    include: { type: 'string', enum: ['non-deleted', 'deleted', 'all'], default: 'non-deleted' },
    fields: { type: 'string' },
  },
  additionalProperties: false,
} as const;

export const listQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 0, maximum: 1000000, default: 10 },
    before: { type: 'string', maxLength: 2048 },
    after: { type: 'string', maxLength: 2048 },
    include: { type: 'string', enum: ['non-deleted', 'deleted', 'all'], default: 'non-deleted' },
    fields: { type: 'string' },
    service: { type: 'string' },
  },
  additionalProperties: false,
} as const;

export const deleteQuery = {
  type: 'object',
  properties: {
    hardDelete: { type: 'boolean', default: false },
    recursive: { type: 'boolean', default: false },
  },
  additionalProperties: false,
} as const;

export const restoreBody = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['id'],
  additionalProperties: false,
} as const;

/** RFC 6902 operations (upstream's PATCH body, Content-Type application/json-patch+json). */
export const jsonPatchBody = {
  type: 'array',
  maxItems: 1000,
  items: {
    type: 'object',
    properties: {
      op: { type: 'string', enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
      path: { type: 'string' },
      from: { type: 'string' },
      value: {},
    },
    required: ['op', 'path'],
    additionalProperties: false,
  },
} as const;

/** A connection config: its `type` picks the JSON Schema it is validated against. */
export const connectionConfig = {
  type: 'object',
  properties: { type: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['type'],
  additionalProperties: true,
} as const;

/** Fields every entity response carries. */
export const entityBase = {
  id: { type: 'string' },
  name: { type: 'string' },
  fullyQualifiedName: { type: 'string' },
  displayName: { type: 'string' },
  description: { type: 'string' },
  version: { type: 'number' },
  updatedAt: { type: 'integer' },
  updatedBy: { type: 'string' },
  href: { type: 'string' },
  deleted: { type: 'boolean' },
} as const;

/** `{data: [...], paging}` around an entity schema. */
export function listOf(entity: object) {
  // One object per entity schema, so the OpenAPI document can name it once (`ServiceEntityList`).
  let list = lists.get(entity);
  if (!list) {
    list = {
      type: 'object',
      properties: { data: { type: 'array', items: entity }, paging },
      required: ['data', 'paging'],
    };
    lists.set(entity, list);
  }
  return list;
}
const lists = new WeakMap<object, object>();
