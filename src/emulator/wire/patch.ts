/**
 * @module emulator/wire/patch
 * The four patch types kube-apiserver accepts for built-in resources. STUB: merge patch only.
 */
import { Statuses } from '../status.js';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

export interface PatchOptions {
  readonly fieldManager?: string;
  readonly force?: boolean;
  /** The object does not exist yet (only server-side apply may create). */
  readonly creating?: boolean;
}

/**
 * Applies `body` (of media type `contentType`, parameters such as charset already stripped) to a
 * copy of `current` and returns the patched object. Never mutates `current`.
 * @throws StatusError 415 unsupported type, 400 undecodable body, 422 failed JSON Patch test /
 *   missing path, 409 server-side-apply conflict.
 */
export function applyPatch(
  contentType: string,
  current: Record<string, unknown>,
  body: string,
  _options: PatchOptions = {},
): Record<string, unknown> {
  if (
    contentType !== 'application/merge-patch+json' &&
    contentType !== 'application/strategic-merge-patch+json'
  ) {
    throw Statuses.unsupportedMediaType(PATCH_TYPES);
  }
  return mergePatch(structuredClone(current), JSON.parse(body)) as Record<string, unknown>;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
