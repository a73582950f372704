/**
 * @module emulator/wire/openapi
 *
 * The minimal OpenAPI v3 documents `kubectl apply --validate=strict` (the default) needs: per
 * group-version a document whose `patch` operations carry `x-kubernetes-group-version-kind` and a
 * `fieldValidation` query parameter (cli-runtime `query_param_verifier_v3.go` looks for exactly
 * that, then lets the server validate). The patch operations deliberately have no `requestBody`:
 * kubectl then computes strategic merge patches from its compiled-in types instead of needing
 * full schemas. The index's `?hash=` is a digest of the document, so it changes
 * whenever the document does (kubectl caches by URL).
 */
import { createHash } from 'node:crypto';
import type { ResourceDef } from '../resources/kind.js';
import { RESOURCES } from '../resources/registry.js';

type Kind = Pick<ResourceDef, 'group' | 'version' | 'kind' | 'plural' | 'namespaced'>;

/** Every served kind, in registry order (the order of the paths in each document). */
const KINDS: readonly Kind[] = RESOURCES;

const gvPath = (k: Pick<Kind, 'group' | 'version'>) =>
  k.group ? `apis/${k.group}/${k.version}` : `api/${k.version}`;

const query = (name: string, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', uniqueItems: true },
});

const PATCH_PARAMS = [
  query(
    'dryRun',
    'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed',
  ),
  query(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint. This field is required for apply requests (application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, StrategicMergePatch).',
  ),
  query(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
  ),
  {
    name: 'force',
    in: 'query',
    description:
      'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
    schema: { type: 'boolean', uniqueItems: true },
  },
];

function pathParam(name: string, description: string) {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

function documentFor(gv: string): Record<string, unknown> | undefined {
  const kinds = KINDS.filter((k) => gvPath(k) === gv);
  if (kinds.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const k of kinds) {
    const base = `/${gvPath(k)}${k.namespaced ? '/namespaces/{namespace}' : ''}/${k.plural}/{name}`;
    const groupTitle = k.group ? k.group.split('.')[0]!.replace(/^./, (c) => c.toUpperCase()) : 'Core';
    const parameters = [pathParam('name', `name of the ${k.kind}`)];
    if (k.namespaced) {
      parameters.push(pathParam('namespace', 'object name and auth scope, such as for teams and projects'));
    }
    paths[base] = {
      parameters,
      patch: {
        tags: [`${k.group ? groupTitle.toLowerCase() : 'core'}_${k.version}`],
        description: `partially update the specified ${k.kind}`,
        operationId: `patch${groupTitle}${k.version.toUpperCase()}${k.namespaced ? 'Namespaced' : ''}${k.kind}`,
        parameters: PATCH_PARAMS,
        responses: {
          '200': { description: 'OK' },
          '201': { description: 'Created' },
          '401': { description: 'Unauthorized' },
        },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: k.group, version: k.version, kind: k.kind },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.4' },
    paths,
    components: { schemas: {} },
  };
}

const DOCS = new Map<string, { doc: Record<string, unknown>; hash: string }>();
for (const gv of new Set(KINDS.map(gvPath))) {
  const doc = documentFor(gv)!;
  DOCS.set(gv, { doc, hash: createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase() });
}

/**
 * `GET /openapi/v3`: one entry per served group-version with a content-addressed URL.
 * @example openapiV3Index().paths['api/v1'].serverRelativeURL // '/openapi/v3/api/v1?hash=…'
 */
export function openapiV3Index(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [gv, { hash }] of DOCS) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  return { paths };
}

/** `GET /openapi/v3/<path>` (e.g. `api/v1`, with or without a leading `/` or query), or undefined for 404. */
export function openapiV3Document(path: string): Record<string, unknown> | undefined {
  const key = path
    .split('?')[0]!
    .replace(/^\/+/, '')
    .replace(/^openapi\/v3\//, '')
    .replace(/\/+$/, '');
  return DOCS.get(key)?.doc;
}
