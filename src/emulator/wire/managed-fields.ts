/**
 * @module emulator/wire/managed-fields
 *
 * `metadata.managedFields` bookkeeping as apimachinery's field manager does it
 * (`pkg/util/managedfields/internal`): Update entries for create/update/patch (the fields this
 * write added or changed move to the writer; removed fields leave every manager), Apply entries
 * and conflicts for server-side apply, client-written managedFields honoured (kubectl's CSA→SSA
 * migration rewrites them with a JSON patch), `[{}]` strips them, and a write that changes
 * nothing keeps every timestamp (so no-op detection still works). Entries are sorted like
 * `sortEncodedManagedFields` (operation, time, manager, apiVersion).
 */
import { failure, StatusError, Statuses } from '../status.js';
import {
  appliedSet,
  diff,
  fromFieldsV1,
  keyPath,
  pathString,
  removeFrom,
  toFieldsV1,
  walk,
} from './field-set.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Manager name: the fieldManager query parameter, else the User-Agent up to the first `/`. */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const ua = (userAgent ?? '').split('/')[0] ?? '';
  return ua.replace(/[^\x20-\x7e]/g, '').slice(0, 128);
}

interface Managed {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: Set<string>;
}

/** managedFields arrays already computed by serverSideApply; recordWrite leaves them alone. */
const APPLIED = new WeakSet<object>();

/** BuildManagerIdentifier: appliers are identified without their apiVersion. */
function identity(m: Pick<Managed, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([
    m.manager,
    m.operation,
    m.operation === 'Apply' ? '' : m.apiVersion,
    m.subresource ?? '',
  ]);
}

function timestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function decode(list: unknown): Managed[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObj).map((e) => ({
    manager: String(e.manager ?? ''),
    operation: e.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: String(e.apiVersion ?? ''),
    subresource: typeof e.subresource === 'string' && e.subresource ? e.subresource : undefined,
    time: typeof e.time === 'string' ? e.time : undefined,
    set: fromFieldsV1(e.fieldsV1),
  }));
}

function encode(list: Managed[]): Obj[] {
  const sorted = [...list].sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    const ps = p.time ? Math.floor(Date.parse(p.time) / 1000) : 0;
    const qs = q.time ? Math.floor(Date.parse(q.time) / 1000) : 0;
    if (ps !== qs) return ps - qs;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
    return (p.subresource ?? '') < (q.subresource ?? '') ? -1 : 0;
  });
  return sorted.map((m) => {
    const e: Obj = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = toFieldsV1(m.set);
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

function metaOf(o: Obj | undefined): Obj {
  return o && isObj(o.metadata) ? o.metadata : {};
}

function store(next: Obj, list: Managed[]): void {
  if (!isObj(next.metadata)) next.metadata = {};
  const m = next.metadata as Obj;
  const kept = list.filter((e) => e.set.size > 0);
  if (kept.length === 0) delete (m as Obj).managedFields;
  else (m as Obj).managedFields = encode(kept);
}

/** A `[{}]` entry (no manager, no fields) is the documented way to strip managedFields. */
function isResetRequest(list: unknown): boolean {
  return (
    Array.isArray(list) &&
    list.some((e) => isObj(e) && !e.manager && (!isObj(e.fieldsV1) || Object.keys(e.fieldsV1).length === 0))
  );
}

/**
 * Records a write by `manager` in `next.metadata.managedFields` (mutates `next`).
 * `operation` is `Update` for create/update/patch and `Apply` for server-side apply (whose
 * entry serverSideApply already computed; it is kept as is).
 * @example recordWrite(next, old, 'kubectl-create', 'Update', new Date())
 */
export function recordWrite(
  next: Record<string, unknown>,
  old: Record<string, unknown> | undefined,
  manager: string,
  operation: 'Update' | 'Apply',
  now: Date,
): void {
  const provided = metaOf(next).managedFields;
  if (Array.isArray(provided) && APPLIED.has(provided)) return;
  if (isResetRequest(provided)) {
    delete metaOf(next).managedFields;
    return;
  }
  // Client-written managedFields win over the live ones (that is how they are edited);
  // an empty list means "not touched".
  const base = Array.isArray(provided) && provided.length > 0 ? provided : metaOf(old).managedFields;
  const list = decode(base);
  const { changed, removed } = diff(walk(old ?? {}), walk(next));
  for (const m of list) removeFrom(m.set, [...changed, ...removed]);
  if (changed.size > 0) {
    const me = { manager, operation, apiVersion: String(next.apiVersion ?? 'v1') };
    const id = identity(me);
    const existing = list.find((m) => identity(m) === id);
    if (existing) {
      for (const p of changed) existing.set.add(p);
      existing.time = timestamp(now);
    } else {
      list.push({ ...me, time: timestamp(now), set: new Set(changed) });
    }
  }
  store(next, list);
}

export interface ApplyOptions {
  readonly manager: string;
  readonly force: boolean;
  readonly creating: boolean;
  readonly now: Date;
}

const LIST_KEYS: Readonly<Record<string, string | null>> = {
  'metadata.finalizers': null,
  'metadata.ownerReferences': 'uid',
  secrets: 'name',
  imagePullSecrets: 'name',
};

/** Merges an applied configuration into the live object (maps recurse, lists per schema). */
function mergeApplied(live: unknown, cfg: unknown, schema: string): unknown {
  if (Array.isArray(cfg) && Object.hasOwn(LIST_KEYS, schema) && Array.isArray(live)) {
    const key = LIST_KEYS[schema] as string | null;
    const out = [...live];
    for (const item of cfg) {
      if (key === null) {
        if (!out.includes(item)) out.push(item);
        continue;
      }
      const idx = out.findIndex((x) => isObj(x) && isObj(item) && x[key] === item[key]);
      if (idx >= 0) out[idx] = mergeApplied(out[idx], item, schema);
      else out.push(item);
    }
    return out;
  }
  if (!isObj(cfg) || !isObj(live)) return structuredClone(cfg);
  const out: Obj = { ...live };
  for (const [k, v] of Object.entries(cfg)) {
    const sub = schema ? `${schema}.${k}` : k;
    if (v === null) delete out[k];
    else out[k] = mergeApplied(out[k], v, sub);
  }
  return out;
}

/** Removes one field path from an object (prune of fields an applier stopped applying). */
function removePath(obj: Obj, key: string): void {
  const els = keyPath(key);
  let cur: unknown = obj;
  for (let i = 0; i < els.length; i++) {
    const el = els[i]!;
    const last = i === els.length - 1;
    if (el.startsWith('f:')) {
      if (!isObj(cur)) return;
      const f = el.slice(2);
      if (last) {
        delete cur[f];
        return;
      }
      cur = cur[f];
    } else if (el.startsWith('v:')) {
      if (!Array.isArray(cur)) return;
      const v = JSON.parse(el.slice(2));
      const idx = cur.findIndex((x) => JSON.stringify(x) === JSON.stringify(v));
      if (idx >= 0 && last) cur.splice(idx, 1);
      return;
    } else if (el.startsWith('k:')) {
      if (!Array.isArray(cur)) return;
      const [[k, v]] = Object.entries(JSON.parse(el.slice(2)) as Obj) as [[string, unknown]];
      const idx = cur.findIndex((x) => isObj(x) && x[k] === v);
      if (idx < 0) return;
      if (last) {
        cur.splice(idx, 1);
        return;
      }
      cur = cur[idx];
    }
  }
}

function describeManager(m: Managed): string {
  const name = JSON.stringify(m.manager);
  return m.operation === 'Update' ? `${name} using ${m.apiVersion}` : name;
}

function conflictError(conflicts: { m: Managed; path: string }[]): StatusError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(c.m)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(conflicts[0]!.m)}: ${pathString(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const d = describeManager(c.m);
      byManager.set(d, [...(byManager.get(d) ?? []), pathString(c.path)]);
    }
    const lines: string[] = [];
    for (const d of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${d}:`);
      for (const p of byManager.get(d)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(failure(409, 'Conflict', message, { causes }));
}

/**
 * Server-side apply of `applied` (the decoded apply body) onto `current`: merge, prune fields
 * this manager applied before but omits now (unless another manager owns them), detect
 * conflicts with other managers' fields, and compute the new managedFields (Apply entry).
 * Returns the new object; never mutates `current`.
 * @throws StatusError 400 wrong apiVersion / managedFields in the body, 409 conflicts unless force.
 */
export function serverSideApply(current: Obj, applied: Obj, options: ApplyOptions): Obj {
  const expected = String(current.apiVersion ?? '');
  const given = typeof applied.apiVersion === 'string' ? applied.apiVersion : '';
  if (expected && given !== expected) {
    throw Statuses.badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${given}, expected: ${expected}`,
    );
  }
  if (typeof applied.kind !== 'string' || applied.kind === '') {
    throw Statuses.badRequest(`Object 'Kind' is missing in '${JSON.stringify(applied)}'`);
  }
  if (isObj(applied.metadata) && applied.metadata.managedFields !== undefined) {
    throw Statuses.badRequest('metadata.managedFields must be nil');
  }
  const live = structuredClone(current);
  const list = decode(metaOf(live).managedFields);
  const meId = identity({ manager: options.manager, operation: 'Apply', apiVersion: '' });
  const mine = list.find((m) => identity(m) === meId);
  const others = list.filter((m) => m !== mine);
  const newSet = appliedSet(applied);

  const merged = mergeApplied(live, applied, '') as Obj;
  for (const p of mine?.set ?? []) {
    if (newSet.has(p) || others.some((o) => o.set.has(p))) continue;
    removePath(merged, p);
  }
  const { changed, removed } = diff(walk(live), walk(merged));
  const conflicts: { m: Managed; path: string }[] = [];
  for (const o of others) {
    for (const p of o.set) if (changed.has(p) && newSet.has(p)) conflicts.push({ m: o, path: p });
  }
  if (conflicts.length > 0 && !options.force) {
    conflicts.sort((a, b) =>
      a.m.manager !== b.m.manager ? (a.m.manager < b.m.manager ? -1 : 1) : a.path < b.path ? -1 : 1,
    );
    throw conflictError(conflicts);
  }
  for (const c of conflicts) removeFrom(c.m.set, [c.path]);
  for (const o of others) removeFrom(o.set, removed);

  const sameSet =
    mine !== undefined && mine.set.size === newSet.size && [...newSet].every((p) => mine.set.has(p));
  const objectChanged = changed.size > 0 || removed.size > 0;
  const entry: Managed = {
    manager: options.manager,
    operation: 'Apply',
    apiVersion: expected || 'v1',
    time: !mine || !sameSet || objectChanged ? timestamp(options.now) : mine.time,
    set: newSet,
  };
  const result = [...others, entry];
  store(merged, result);
  const mf = metaOf(merged).managedFields;
  if (Array.isArray(mf)) APPLIED.add(mf);
  else {
    // Nothing owned at all (empty apply): keep an explicit empty marker so recordWrite skips.
    const empty: unknown[] = [];
    APPLIED.add(empty);
    if (isObj(merged.metadata)) (merged.metadata as Obj).managedFields = empty;
  }
  return merged;
}
