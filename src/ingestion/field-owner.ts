/**
 * @module ingestion/field-owner
 *
 * Which entity a field of a workflow config belongs to, so the resolver can refuse a Secret that
 * records another owner. Every Secret omsm writes records its logical id (`<clusterName>/<kind
 * root>/<entity name>/<field path...>`, core/naming/secret-name.ts); a workflow built by omsm's
 * server puts each entity's references in a known place:
 *
 * | where in the workflow | whose Secret | id must end with |
 * |---|---|---|
 * | `source.serviceConnection.config.<path>` | the service `source.serviceName` | `<serviceName>/<path>` |
 * | `source.sourceConfig.config.<path>` | the ingestion pipeline | `pipeline/<any name>/<path>` |
 * | `workflowConfig.openMetadataServerConfig.securityConfig.jwtToken` | the pipeline's bot | `bot/<any name>/config/JWTToken` |
 *
 * A reference anywhere else (a hand-written workflow) has no expected owner: the managed-by check
 * still applies. The pipeline's and the bot's names are not in the workflow in a form that maps to
 * the id, so only their kind is checked.
 */

/** What the id of the Secret behind one field must look like. */
export interface FieldOwner {
  /** The kind's first id part (`pipeline`, `bot`), when the place fixes it. */
  readonly root?: string;
  /** The entity's name, when the workflow says it. */
  readonly name?: string;
  /** The field path below the entity's config, as the id spells it. */
  readonly path: readonly string[];
  /** For messages: `service "mysql_prod" field authType.password`. */
  readonly describe: string;
}

type Key = string | number;

/**
 * The owner expected for the field at `path` (keys from the workflow's root), or undefined.
 * @example fieldOwner({source: {serviceName: 'db1'}}, ['source','serviceConnection','config','password'])
 *   // { name: 'db1', path: ['password'], describe: 'service "db1" field password' }
 */
export function fieldOwner(root: unknown, path: readonly Key[]): FieldOwner | undefined {
  const [a, b, c, ...rest] = path;
  if (a !== 'source' || rest.length === 0) {
    if (a === 'workflowConfig' && samePath(path, BOT_JWT_PATH)) {
      return { root: 'bot', path: ['config', 'JWTToken'], describe: 'the bot JWT (securityConfig.jwtToken)' };
    }
    return undefined;
  }
  const field = rest.map(String);
  if (b === 'serviceConnection' && c === 'config') {
    const serviceName = propertyAt(root, ['source', 'serviceName']);
    if (typeof serviceName !== 'string' || serviceName === '') return undefined;
    return { name: serviceName, path: field, describe: `service "${serviceName}" field ${field.join('.')}` };
  }
  if (b === 'sourceConfig' && c === 'config') {
    return { root: 'pipeline', path: field, describe: `the ingestion pipeline's field ${field.join('.')}` };
  }
  return undefined;
}

/**
 * Why the recorded id `id` does not fit `owner`, or undefined when it does.
 * @example ownerMismatch('openmetadata/database/db1/password', {name: 'db1', path: ['password'], describe: ''}) // undefined
 */
export function ownerMismatch(id: string, owner: FieldOwner): string | undefined {
  const parts = id.split('/').map(safeDecode);
  const n = owner.path.length;
  const fits =
    parts.length >= n + 2 &&
    owner.path.every((p, i) => parts[parts.length - n + i] === p) &&
    (owner.name === undefined || parts[parts.length - n - 1] === owner.name) &&
    (owner.root === undefined || parts[parts.length - n - 2] === owner.root);
  return fits ? undefined : `it belongs to "${id.slice(0, 200)}", not to ${owner.describe}`;
}

const BOT_JWT_PATH = ['workflowConfig', 'openMetadataServerConfig', 'securityConfig', 'jwtToken'];

function samePath(a: readonly Key[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function propertyAt(root: unknown, keys: readonly string[]): unknown {
  let v = root;
  for (const k of keys) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
