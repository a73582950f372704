/**
 * @module emulator/wire/patch
 *
 * The four patch types kube-apiserver v1.32 accepts for built-in resources
 * (`handlers/patch.go`): JSON Patch (evanphx v4 semantics and wording, at most 10000 operations),
 * merge patch (RFC 7386), strategic merge patch (merge + `$` directives + the merge lists of the
 * emulated kinds) and server-side apply (`application/apply-patch+yaml`, JSON or YAML body, with
 * field ownership in managed-fields.ts). A `;charset=…` suffix on the media type is ignored.
 */
import { parse as parseYaml } from 'yaml';
import { failure, StatusError, Statuses } from '../status.js';
import { applyJsonPatch, decodeJsonPatch, goJsonError, JsonPatchError } from './json-patch.js';
import { serverSideApply } from './managed-fields.js';
import { mergePatch, StrategicMergeError, strategicMergePatch } from './strategic-merge.js';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

/** apiserver `maxJSONPatchOperations`. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export interface PatchOptions {
  readonly fieldManager?: string;
  /** Present (true or false) only when the `force` query parameter was sent. */
  readonly force?: boolean;
  /** The object does not exist yet (only server-side apply may create). */
  readonly creating?: boolean;
  /** Clock for managedFields timestamps of server-side apply (tests). */
  readonly now?: Date;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function patchOptionsInvalid(field: string, reason: string, message: string): StatusError {
  return Statuses.invalid('PatchOptions', '', [{ reason, message, field }], 'meta.k8s.io');
}

/** `NewGenericServerResponse(422, …)`: generic message, the library text as the only cause. */
function jsonPatchFailed(message: string): StatusError {
  return new StatusError(
    failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {
      causes: [{ reason: 'UnexpectedServerResponse', message }],
    }),
  );
}

function decodeJsonObject(body: string): Obj {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    throw Statuses.badRequest(goJsonError(body, 'map[string]interface {}'));
  }
  if (!isObj(v)) throw Statuses.badRequest(goJsonError(body, 'map[string]interface {}'));
  return v;
}

/**
 * Applies `body` (of media type `contentType`) to a copy of `current` and returns the patched
 * object. Never mutates `current`.
 * @throws StatusError 415 unsupported type (exact accepted list), 400 undecodable body,
 *   413 more than 10000 JSON Patch operations, 422 failed JSON Patch op / PatchOptions errors,
 *   409 server-side-apply conflict (unless `force`).
 * @example applyPatch('application/merge-patch+json', secret, '{"data":{"k":null}}')
 */
export function applyPatch(
  contentType: string,
  current: Record<string, unknown>,
  body: string,
  options: PatchOptions = {},
): Record<string, unknown> {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (!(PATCH_TYPES as readonly string[]).includes(type)) throw Statuses.unsupportedMediaType(PATCH_TYPES);
  const isApply = type === 'application/apply-patch+yaml';
  // ValidatePatchOptions: force only for apply; apply needs a manager.
  if (!isApply && options.force !== undefined) {
    throw patchOptionsInvalid(
      'force',
      'FieldValueForbidden',
      'Forbidden: may not be specified for non-apply patch',
    );
  }
  if (isApply && !options.fieldManager) {
    throw patchOptionsInvalid(
      'fieldManager',
      'FieldValueRequired',
      'Required value: is required for apply patch',
    );
  }
  switch (type) {
    case 'application/json-patch+json': {
      let ops: Record<string, unknown>[];
      try {
        ops = decodeJsonPatch(body);
      } catch (e) {
        throw Statuses.badRequest((e as Error).message);
      }
      if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
        throw new StatusError(
          failure(
            413,
            'RequestEntityTooLarge',
            `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
          ),
        );
      }
      let out: unknown;
      try {
        out = applyJsonPatch(current, ops);
      } catch (e) {
        if (e instanceof JsonPatchError) throw jsonPatchFailed(e.message);
        throw e;
      }
      if (!isObj(out)) throw Statuses.badRequest(goJsonError(JSON.stringify(out), 'map[string]interface {}'));
      return out;
    }
    case 'application/merge-patch+json': {
      let patch: unknown;
      try {
        patch = JSON.parse(body);
      } catch {
        throw Statuses.badRequest('Invalid JSON Patch');
      }
      const out = mergePatch(current, patch);
      if (!isObj(out)) throw Statuses.badRequest(goJsonError(body, 'map[string]interface {}'));
      return out;
    }
    case 'application/strategic-merge-patch+json': {
      const patch = decodeJsonObject(body);
      try {
        return strategicMergePatch(structuredClone(current), patch);
      } catch (e) {
        if (e instanceof StrategicMergeError) throw Statuses.badRequest(e.message);
        throw e;
      }
    }
    default: {
      let applied: unknown;
      try {
        applied = parseYaml(body);
      } catch (e) {
        throw Statuses.badRequest(`error decoding YAML: ${(e as Error).message.split('\n')[0]}`);
      }
      if (!isObj(applied)) {
        throw Statuses.badRequest(
          `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(applied) ? 'array' : typeof applied} into Go value of type map[string]interface {}`,
        );
      }
      return serverSideApply(current, applied, {
        manager: options.fieldManager!,
        force: options.force === true,
        creating: options.creating === true,
        now: options.now ?? new Date(),
      });
    }
  }
}
