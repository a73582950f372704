/**
 * @module emulator/resources
 *
 * The served form of objects: metadata and fields in Go struct order (so JSON comes out as
 * kube-apiserver writes it) and strict-decoding checks. The kinds themselves, with their own
 * decoding, defaulting, normalisation and validation, are declared one per module in `resources/`.
 */
import type { StatusCause } from './status.js';

export { cannotHandle, nowTimestamp, sortedMap } from './resources/kind.js';
export { RESOURCES, resourceFor, resourceForKind } from './resources/registry.js';
export type { Obj, ResourceDef } from './resources/kind.js';

import { type Obj, type ResourceDef, fieldsInOrder, isEmpty, sortedMap } from './resources/kind.js';

export function apiVersionOf(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];
const META_KNOWN = new Set(META_ORDER);
const SORTED_MAPS = new Set(['labels', 'annotations']);

/** metadata in Go struct order, maps sorted, empty values dropped (omitempty). */
export function normalizeMeta(meta: Obj): Obj {
  const out: Obj = {};
  for (const k of META_ORDER) {
    const v = meta[k];
    if (k === 'managedFields') {
      if (Array.isArray(v) && v.length > 0) out[k] = v;
      continue;
    }
    if (k === 'generation' && (v === 0 || v === undefined)) continue;
    if (isEmpty(v)) continue;
    out[k] = SORTED_MAPS.has(k) ? sortedMap(v) : v;
  }
  return out;
}

/**
 * The stored/served form of an object: kind, apiVersion, metadata, then the kind's fields in
 * Go order (the kind's `normalize`, with its field defaulting). Unknown top-level fields are dropped (strict decoding is checked
 * earlier by `unknownFields`).
 */
export function normalize(def: ResourceDef, o: Obj): Obj {
  const out: Obj = { kind: def.kind, apiVersion: apiVersionOf(def) };
  out.metadata = normalizeMeta((o.metadata as Obj) ?? {});
  Object.assign(out, def.normalize ? def.normalize(o) : fieldsInOrder(def.fields, o));
  return out;
}

/** Top-level and metadata fields the kind does not know, as `unknown field "x"` paths. */
export function unknownFields(def: ResourceDef, o: Obj): string[] {
  const known = new Set(['kind', 'apiVersion', 'metadata', ...def.fields, ...(def.inputOnly ?? [])]);
  const bad = Object.keys(o).filter((k) => !known.has(k));
  const meta = o.metadata;
  if (meta && typeof meta === 'object') {
    for (const k of Object.keys(meta)) if (!META_KNOWN.has(k)) bad.push(`metadata.${k}`);
  }
  return bad;
}

/**
 * The kind's validation of a new object (create, `old` undefined) or of `next` replacing `old`
 * (update/patch). Returns the causes in upstream order; empty means valid.
 * @example
 * const causes = validateObject(SECRET, secret, undefined);
 * if (causes.length) throw Statuses.invalid('Secret', name, causes);
 */
export function validateObject(def: ResourceDef, next: Obj, old: Obj | undefined): StatusCause[] {
  return old ? def.validateUpdate(next, old) : def.validate(next);
}
