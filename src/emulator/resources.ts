/**
 * @module emulator/resources
 *
 * The served form of objects: metadata and fields in Go struct order (so JSON comes out as
 * kube-apiserver writes it), per-kind defaulting, strict-decoding checks and Secret decoding.
 * The kinds themselves are declared one per module in `resources/`.
 */
import { Statuses } from './status.js';

export { RESOURCES, resourceFor, resourceForKind } from './resources/registry.js';
export type { Obj, ResourceDef } from './resources/kind.js';

import { type Obj, RBAC_GROUP as RBAC, type ResourceDef } from './resources/kind.js';
import { SECRET } from './resources/secret.js';

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

export function sortedMap(m: unknown): Obj | undefined {
  if (m === null || typeof m !== 'object') return undefined;
  const keys = Object.keys(m as Obj).sort();
  const out: Obj = {};
  for (const k of keys) out[k] = (m as Obj)[k];
  return out;
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as Obj).length === 0)
  );
}

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

function normRule(r: Obj): Obj {
  const out: Obj = { verbs: r.verbs ?? [] };
  for (const k of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']) {
    if (Array.isArray(r[k]) && (r[k] as unknown[]).length > 0) out[k] = r[k];
  }
  return out;
}

function normSubject(s: Obj): Obj {
  const out: Obj = { kind: s.kind };
  let apiGroup = s.apiGroup as string | undefined;
  // v1 defaulting (SetDefaults_Subject): User and Group subjects get the RBAC group.
  if (!apiGroup && (s.kind === 'User' || s.kind === 'Group')) apiGroup = RBAC;
  if (apiGroup) out.apiGroup = apiGroup;
  out.name = s.name;
  if (s.namespace) out.namespace = s.namespace;
  return out;
}

/**
 * The stored/served form of an object: kind, apiVersion, metadata, then the kind's fields in
 * Go order; defaulting applied. Unknown top-level fields are dropped (strict decoding is checked
 * earlier by `unknownFields`).
 */
export function normalize(def: ResourceDef, o: Obj): Obj {
  const out: Obj = { kind: def.kind, apiVersion: apiVersionOf(def) };
  out.metadata = normalizeMeta((o.metadata as Obj) ?? {});
  for (const f of def.fields) {
    let v = o[f];
    switch (def.kind) {
      case 'Secret':
        if (f === 'data') v = isEmpty(v) ? undefined : sortedMap(v);
        if (f === 'type' && !v) v = 'Opaque';
        if (f === 'immutable' && v !== true && v !== false) v = undefined;
        break;
      case 'Namespace':
        if (f === 'spec')
          v = { finalizers: ((v as Obj | undefined)?.finalizers as unknown[]) ?? ['kubernetes'] };
        if (f === 'status')
          v = { phase: ((v as Obj | undefined)?.phase as string) || 'Active', ...omitPhase(v) };
        break;
      case 'Role':
      case 'ClusterRole':
        if (f === 'rules')
          v = Array.isArray(v) ? v.map((r) => normRule(r as Obj)) : def.kind === 'Role' ? null : v;
        break;
      case 'RoleBinding':
      case 'ClusterRoleBinding':
        if (f === 'subjects')
          v = Array.isArray(v) && v.length > 0 ? v.map((s) => normSubject(s as Obj)) : undefined;
        if (f === 'roleRef' && v && typeof v === 'object') {
          const r = v as Obj;
          v = { apiGroup: r.apiGroup ?? '', kind: r.kind, name: r.name };
        }
        break;
    }
    if (v !== undefined) out[f] = v;
  }
  if (def.kind === 'ClusterRole' && out.rules === undefined) out.rules = null;
  return out;
}

function omitPhase(v: unknown): Obj {
  if (!v || typeof v !== 'object') return {};
  const { phase: _p, ...rest } = v as Obj;
  return rest;
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

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Secret decoding as the v1 conversion does it: `data` values must be standard base64, then
 * `stringData` entries overwrite `data` keys (UTF-8 encoded). Returns the object without stringData.
 * @throws StatusError 400 `Secret in version "v1" cannot be handled as a Secret: ...`
 */
export function decodeSecret(o: Obj): Obj {
  const data = o.data;
  if (data !== undefined && data !== null) {
    if (typeof data !== 'object' || Array.isArray(data)) {
      throw cannotHandle(
        SECRET,
        'json: cannot unmarshal into Go struct field Secret.data of type map[string][]uint8',
      );
    }
    for (const [k, v] of Object.entries(data as Obj)) {
      if (v === null) continue;
      if (typeof v !== 'string') {
        throw cannotHandle(
          SECRET,
          `json: cannot unmarshal ${typeof v} into Go struct field Secret.data of type []uint8`,
        );
      }
      if (!B64.test(v)) {
        const at = firstBadBase64Byte(v);
        throw cannotHandle(SECRET, `illegal base64 data at input byte ${at}`);
      }
      void k;
    }
  }
  const sd = o.stringData;
  if (sd === undefined || sd === null) {
    if ('stringData' in o) {
      const { stringData: _s, ...rest } = o;
      return rest;
    }
    return o;
  }
  if (typeof sd !== 'object' || Array.isArray(sd)) {
    throw cannotHandle(
      SECRET,
      'json: cannot unmarshal into Go struct field Secret.stringData of type map[string]string',
    );
  }
  const merged: Obj = { ...((data as Obj) ?? {}) };
  for (const [k, v] of Object.entries(sd as Obj)) {
    merged[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
  }
  const { stringData: _s, ...rest } = o;
  return { ...rest, data: merged };
}

function firstBadBase64Byte(v: string): number {
  for (let i = 0; i < v.length; i++) {
    if (!/[A-Za-z0-9+/=]/.test(v[i]!)) return i;
  }
  const pad = v.indexOf('=');
  if (pad >= 0 && pad < v.length - 2) return pad;
  return Math.floor(v.length / 4) * 4;
}

/** 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: <detail>`. */
export function cannotHandle(d: ResourceDef, detail: string) {
  return Statuses.badRequest(
    `${d.kind} in version "${d.version}" cannot be handled as a ${d.kind}: ${detail}`,
  );
}

/** RFC 3339 at second precision, UTC `Z`, as metav1.Time marshals. */
export function nowTimestamp(d = new Date()): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
