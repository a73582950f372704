/**
 * @module emulator/wire/strategic-merge
 *
 * RFC 7386 merge patch and the strategic-merge-patch subset the emulated kinds need
 * (apimachinery `pkg/util/strategicpatch/patch.go`). Every field of Secret, Namespace, Role and
 * bindings is a map, a scalar or an atomic list, so SMP is merge patch plus the `$` directives
 * (`$patch: replace|delete|merge`, `$retainKeys`, `$setElementOrder/<f>`,
 * `$deleteFromPrimitiveList/<f>`) and the few lists whose Go struct tags say
 * `patchStrategy:"merge"`: `metadata.finalizers` (set of strings), `metadata.ownerReferences`
 * (merge key `uid`), ServiceAccount `secrets` and `imagePullSecrets` (merge key `name`).
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 7386: objects merge recursively, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** List fields with a merge strategy: `null` merge key = a set of primitives. */
const MERGE_LISTS: Readonly<Record<string, string | null>> = {
  'metadata.finalizers': null,
  'metadata.ownerReferences': 'uid',
  secrets: 'name',
  imagePullSecrets: 'name',
};

const DELETE = Symbol('delete');

/** A strategic-merge-patch failure (bad directive); the caller maps it to 400/422. */
export class StrategicMergeError extends Error {}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function mergeList(path: string, original: unknown, patch: unknown[], mergeKey: string | null): unknown[] {
  const orig = Array.isArray(original) ? [...original] : [];
  if (mergeKey === null) {
    const out = [...orig];
    for (const v of patch) if (!out.some((x) => x === v)) out.push(v);
    return out;
  }
  // A `{"$patch":"replace"}` element replaces the whole list with the other elements.
  if (patch.some((e) => isObj(e) && e.$patch === 'replace')) {
    return patch.filter((e) => !(isObj(e) && e.$patch === 'replace')).map(stripDirectives);
  }
  const out = orig.map((x) => structuredClone(x));
  for (const el of patch) {
    if (!isObj(el))
      throw new StrategicMergeError(`merging list ${path}: element is not a map: ${JSON.stringify(el)}`);
    const key = el[mergeKey];
    if (key === undefined)
      throw new StrategicMergeError(
        `map: ${JSON.stringify(el)} does not contain declared merge key: ${mergeKey}`,
      );
    const idx = out.findIndex((x) => isObj(x) && x[mergeKey] === key);
    if (el.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = smp(out[idx], el, path);
    else out.push(stripDirectives(el));
  }
  return out;
}

function orderBy(list: unknown[], order: unknown[], mergeKey: string | null): unknown[] {
  const keyOf = (x: unknown) => (mergeKey === null ? x : isObj(x) ? x[mergeKey] : x);
  const pos = (x: unknown) => {
    const i = order.findIndex((o) => (mergeKey === null ? o === x : isObj(o) && o[mergeKey] === keyOf(x)));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return list
    .map((x, i) => ({ x, i }))
    .sort((a, b) => pos(a.x) - pos(b.x) || a.i - b.i)
    .map((e) => e.x);
}

function smp(original: unknown, patch: unknown, path: string): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const directive = patch.$patch;
  if (directive === 'delete') return DELETE;
  if (directive === 'replace') return stripDirectives(patch);
  if (directive !== undefined && directive !== 'merge') {
    throw new StrategicMergeError(
      `Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`,
    );
  }
  const out: Obj = isObj(original) ? { ...original } : {};
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain))
      throw new StrategicMergeError('invalid $retainKeys directive: must be a list');
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  const orders: [string, unknown[]][] = [];
  const deletes: [string, unknown[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      orders.push([k.slice('$setElementOrder/'.length), Array.isArray(v) ? v : []]);
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      deletes.push([k.slice('$deleteFromPrimitiveList/'.length), Array.isArray(v) ? v : []]);
      continue;
    }
    const sub = path ? `${path}.${k}` : k;
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v)) {
      const strategy = MERGE_LISTS[sub];
      out[k] = strategy === undefined ? stripDirectives(v) : mergeList(sub, out[k], v, strategy);
    } else if (isObj(v)) {
      const r = smp(out[k], v, sub);
      if (r === DELETE) delete out[k];
      else out[k] = r;
    } else {
      out[k] = v;
    }
  }
  for (const [f, vals] of deletes) {
    if (Array.isArray(out[f])) out[f] = (out[f] as unknown[]).filter((x) => !vals.includes(x));
  }
  for (const [f, order] of orders) {
    const sub = path ? `${path}.${f}` : f;
    if (Array.isArray(out[f])) out[f] = orderBy(out[f] as unknown[], order, MERGE_LISTS[sub] ?? null);
  }
  return out;
}

/**
 * Applies a strategic merge patch (already JSON-decoded) to `original`.
 * @throws StrategicMergeError for an unknown `$patch` value or a merge-list element without its key.
 */
export function strategicMergePatch(original: Obj, patch: Obj): Obj {
  const r = smp(original, patch, '');
  return r === DELETE ? {} : (r as Obj);
}
