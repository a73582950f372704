/**
 * @module domain/kinds
 *
 * The registry of entity kinds the server stores. Each kind declares, in one place, its URL
 * collection, its migration group, and its secret slots: where each secret-holding config sits in
 * the document, the JSON Schema it is checked against, and the EntityScope the SecretsManager
 * stores it under (which fixes the Secret names). Everything else (routes, the writer, migration,
 * orphans, deletes) reads this table instead of guessing from a kind's name:
 *
 * | kind | collection | group | config | scope parts | schema |
 * |---|---|---|---|---|---|
 * | `<type>Service` | `<type>Services` | service | `connection.config` | `[<root>, name]` | `connection.config.type` |
 * | `user` (bot users) | `users` | bot | `authenticationMechanism` | `['bot', name]` | `AuthenticationMechanism` |
 * | `bot` | `bots` | bot | none | | |
 * | `ingestionPipeline` | `ingestionPipelines` | pipeline | `sourceConfig.config` | `['pipeline', name]` | by `sourceConfig.config.type` (`DBT` → `DbtPipeline`) |
 * | `workflow` | `workflows` | workflow | `request.connection.config` | `['workflow', name]` | `...config.type` |
 */
import type { EntityScope, JsonObject, JsonValue } from '../core/secrets/secrets-manager-types.js';

export interface ServiceType {
  /** URL collection, e.g. `databaseServices`. */
  readonly collection: string;
  /** Entity kind, e.g. `databaseService` (the `type` of entity references). */
  readonly kind: string;
  /** First id part of its secrets, e.g. `database`. */
  readonly root: string;
}

export const SERVICE_TYPES: readonly ServiceType[] = [
  { collection: 'databaseServices', kind: 'databaseService', root: 'database' },
  { collection: 'dashboardServices', kind: 'dashboardService', root: 'dashboard' },
  { collection: 'messagingServices', kind: 'messagingService', root: 'messaging' },
  { collection: 'pipelineServices', kind: 'pipelineService', root: 'pipeline' },
  { collection: 'mlmodelServices', kind: 'mlmodelService', root: 'mlmodel' },
  { collection: 'storageServices', kind: 'storageService', root: 'storage' },
  { collection: 'searchServices', kind: 'searchService', root: 'search' },
  { collection: 'metadataServices', kind: 'metadataService', root: 'metadata' },
  { collection: 'apiServices', kind: 'apiService', root: 'api' },
];

/** Schema name of a bot user's authentication mechanism in the registry. */
export const AUTH_MECHANISM_SCHEMA = 'AuthenticationMechanism';

/** One secret-holding config inside a document. */
export interface SecretSlot {
  /** Property names from the document root to the config object. */
  readonly pointer: readonly string[];
  readonly scope: EntityScope;
}

/** Migration groups, in upstream's migration order: services, bots, pipelines, workflows. */
export const ENTITY_GROUPS = ['service', 'bot', 'pipeline', 'workflow'] as const;
export type EntityGroup = (typeof ENTITY_GROUPS)[number];

export interface EntityKind {
  readonly kind: string;
  /** Last URL segment of its API collection (`databaseServices`, `users`, `workflows`). */
  readonly collection: string;
  /** Which migration group (and report line) its secrets belong to. */
  readonly group: EntityGroup;
  /** Where the configs of `doc` (named `name`) sit; configs absent from the doc are left out. */
  slots(doc: JsonObject, name: string): SecretSlot[];
}

/** The value at `pointer`, when it is an object. */
export function configAt(doc: JsonObject, pointer: readonly string[]): JsonObject | undefined {
  let v: JsonValue | undefined = doc;
  for (const p of pointer) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as JsonObject)[p];
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

/** A copy of `doc` with the object at `pointer` replaced (intermediate objects copied). */
export function withConfigAt(doc: JsonObject, pointer: readonly string[], config: JsonObject): JsonObject {
  if (pointer.length === 0) return config;
  const [head, ...rest] = pointer as [string, ...string[]];
  const child = doc[head];
  const base =
    child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as JsonObject) : {};
  return { ...doc, [head]: withConfigAt(base, rest, config) };
}

function typed(
  pointer: readonly string[],
  parts: (name: string) => string[],
  schemaOf: (type: string) => string | undefined = (t) => t,
): EntityKind['slots'] {
  return (doc, name) => {
    const config = configAt(doc, pointer);
    if (!config) return [];
    const schema = schemaOf(typeof config.type === 'string' ? config.type : '');
    return schema === undefined ? [] : [{ pointer, scope: { parts: parts(name), schema } }];
  };
}

/**
 * Upstream's sourceConfig types that carry no credentials: stored as they are, with no schema
 * (omsm ships none for them). Every other type must have a registered schema.
 */
export const SECRET_FREE_PIPELINE_TYPES: ReadonlySet<string> = new Set([
  'DatabaseMetadata',
  'DashboardMetadata',
  'MessagingMetadata',
  'PipelineMetadata',
  'MlModelMetadata',
  'StorageMetadata',
  'SearchMetadata',
  'ApiMetadata',
  'DatabaseUsage',
  'DatabaseLineage',
  'Profiler',
  'TestSuite',
  'AutoClassification',
]);

/** Schema of a pipeline's sourceConfig by its `type` (upstream's `DBT` is the `DbtPipeline` schema). */
export function pipelineSchemaOf(type: string): string | undefined {
  if (type === 'DBT') return 'DbtPipeline';
  return SECRET_FREE_PIPELINE_TYPES.has(type) ? undefined : type;
}

export function serviceKind(t: ServiceType): EntityKind {
  return {
    kind: t.kind,
    collection: t.collection,
    group: 'service',
    slots: typed(['connection', 'config'], (name) => [t.root, name]),
  };
}

export const USER_KIND: EntityKind = {
  kind: 'user',
  collection: 'users',
  group: 'bot',
  slots(doc, name) {
    if (doc.isBot !== true || !configAt(doc, ['authenticationMechanism'])) return [];
    return [
      {
        pointer: ['authenticationMechanism'],
        scope: { parts: ['bot', name], schema: AUTH_MECHANISM_SCHEMA },
      },
    ];
  },
};

export const BOT_KIND: EntityKind = { kind: 'bot', collection: 'bots', group: 'bot', slots: () => [] };

export const PIPELINE_KIND: EntityKind = {
  kind: 'ingestionPipeline',
  collection: 'ingestionPipelines',
  group: 'pipeline',
  slots: typed(['sourceConfig', 'config'], (name) => ['pipeline', name], pipelineSchemaOf),
};

export const WORKFLOW_KIND: EntityKind = {
  kind: 'workflow',
  collection: 'workflows',
  group: 'workflow',
  slots: typed(['request', 'connection', 'config'], (name) => ['workflow', name]),
};

/** Every kind that can hold secrets, in migration order (ENTITY_GROUPS). */
export const SECRET_HOLDING_KINDS: readonly EntityKind[] = [
  ...SERVICE_TYPES.map(serviceKind),
  USER_KIND,
  PIPELINE_KIND,
  WORKFLOW_KIND,
];

/** Every kind the server stores. */
export const ENTITY_KINDS: readonly EntityKind[] = [...SECRET_HOLDING_KINDS, BOT_KIND];

const KIND_BY_NAME = new Map(ENTITY_KINDS.map((k) => [k.kind, k]));

/** The registry entry of a stored kind, or undefined for a kind omsm does not know. */
export function entityKind(kind: string): EntityKind | undefined {
  return KIND_BY_NAME.get(kind);
}
