/**
 * @module emulator/wire/field-set
 *
 * Field paths and sets as structured-merge-diff (sigs.k8s.io/structured-merge-diff v4) encodes
 * them in `managedFields[].fieldsV1`: `f:<field>` for struct/map fields, `v:<json>` for members of
 * set lists (`metadata.finalizers`), `k:{"uid":…}` for keyed list items (`ownerReferences`,
 * ServiceAccount `secrets`), `"."` marking a node that is itself a member while also having
 * members below it. Every other list is atomic (a leaf), as the emulated kinds declare.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A path as its element strings, e.g. `["f:data", "f:k"]`. */
export type FieldPath = readonly string[];

/** Key lists: schema path (dotted, no indexes) → merge key; `null` = set of primitives. */
const ASSOCIATIVE_LISTS: Readonly<Record<string, string | null>> = {
  'metadata.finalizers': null,
  'metadata.ownerReferences': 'uid',
  secrets: 'name',
  imagePullSecrets: 'name',
};

/** Top-level and metadata fields the field manager never tracks (`stripMeta`). */
const STRIPPED_TOP = new Set(['apiVersion', 'kind', 'status']);
const STRIPPED_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'selfLink',
  'managedFields',
]);

export const pathKey = (p: FieldPath): string => JSON.stringify(p);
export const keyPath = (k: string): string[] => JSON.parse(k) as string[];

/** One node of a walked object: `leaf` nodes carry their JSON value for comparison. */
export interface WalkedNode {
  readonly leaf: boolean;
  readonly value?: string;
}

/** All nodes (maps and leaves) of the tracked part of an object, keyed by pathKey. */
export function walk(obj: unknown): Map<string, WalkedNode> {
  const out = new Map<string, WalkedNode>();
  if (!isObj(obj)) return out;
  for (const [k, v] of Object.entries(obj)) {
    if (STRIPPED_TOP.has(k) || v === undefined) continue;
    if (k === 'metadata' && isObj(v)) {
      // metadata always exists on a typed object, so the node itself is never owned.
      const path = ['f:metadata'];
      for (const [mk, mv] of Object.entries(v)) {
        if (STRIPPED_META.has(mk) || mv === undefined) continue;
        visit(mv, [...path, `f:${mk}`], `metadata.${mk}`, out);
      }
      continue;
    }
    visit(v, [`f:${k}`], k, out);
  }
  return out;
}

function visit(v: unknown, path: string[], schema: string, out: Map<string, WalkedNode>): void {
  if (Array.isArray(v) && Object.hasOwn(ASSOCIATIVE_LISTS, schema)) {
    const mergeKey = ASSOCIATIVE_LISTS[schema] as string | null;
    out.set(pathKey(path), { leaf: false });
    for (const item of v) {
      if (mergeKey === null) {
        out.set(pathKey([...path, `v:${JSON.stringify(item)}`]), { leaf: true, value: JSON.stringify(item) });
      } else if (isObj(item)) {
        const itemPath = [...path, `k:${JSON.stringify({ [mergeKey]: item[mergeKey] })}`];
        out.set(pathKey(itemPath), { leaf: false });
        for (const [ik, iv] of Object.entries(item))
          visit(iv, [...itemPath, `f:${ik}`], `${schema}.${ik}`, out);
      }
    }
    return;
  }
  if (isObj(v) && Object.keys(v).length > 0) {
    out.set(pathKey(path), { leaf: false });
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      visit(x, [...path, `f:${k}`], `${schema}.${k}`, out);
    }
    return;
  }
  out.set(pathKey(path), { leaf: true, value: JSON.stringify(v) });
}

/** The set an applier owns: the leaves (and keyed items) of its applied configuration. */
export function appliedSet(config: unknown): Set<string> {
  const set = new Set<string>();
  for (const [k, n] of walk(config)) {
    const p = keyPath(k);
    if (n.leaf || p[p.length - 1]!.startsWith('k:')) set.add(k);
  }
  return set;
}

/** Update ownership: paths added or whose leaf value changed, and paths removed. */
export function diff(
  before: Map<string, WalkedNode>,
  after: Map<string, WalkedNode>,
): { changed: Set<string>; removed: Set<string> } {
  const changed = new Set<string>();
  const removed = new Set<string>();
  for (const [k, n] of after) {
    const o = before.get(k);
    if (!o) changed.add(k);
    else if (n.leaf !== o.leaf || (n.leaf && n.value !== o.value)) changed.add(k);
  }
  for (const k of before.keys()) if (!after.has(k)) removed.add(k);
  return { changed, removed };
}

/** Drops `paths` and everything below them from `set`. */
export function removeFrom(set: Set<string>, paths: Iterable<string>): void {
  for (const p of paths) {
    set.delete(p);
    const prefix = p.slice(0, -1); // `["a","b"` — children share it followed by `,`
    for (const k of set) if (k.startsWith(`${prefix},`)) set.delete(k);
  }
}

type Tree = Map<string, { member: boolean; children: Tree }>;

/** Encodes a set as the fieldsV1 object (children sorted; `"."` first). */
export function toFieldsV1(set: Iterable<string>): Obj {
  const root: Tree = new Map();
  for (const k of set) {
    let level = root;
    const p = keyPath(k);
    p.forEach((el, i) => {
      let node = level.get(el);
      if (!node) {
        node = { member: false, children: new Map() };
        level.set(el, node);
      }
      if (i === p.length - 1) node.member = true;
      level = node.children;
    });
  }
  const emit = (t: Tree): Obj => {
    const out: Obj = {};
    const order = (s: string) =>
      s.startsWith('f:') ? 0 : s.startsWith('k:') ? 1 : s.startsWith('v:') ? 2 : 3;
    const keys = [...t.keys()].sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const key of keys) {
      const n = t.get(key)!;
      const child = emit(n.children);
      out[key] = n.member && n.children.size > 0 ? { '.': {}, ...child } : child;
    }
    return out;
  };
  return emit(root);
}

/** Decodes a fieldsV1 object into a set of pathKeys. */
export function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>();
  const rec = (o: unknown, path: string[]) => {
    if (!isObj(o)) return;
    for (const [k, v] of Object.entries(o)) {
      if (k === '.') {
        if (path.length > 0) out.add(pathKey(path));
        continue;
      }
      const p = [...path, k];
      if (isObj(v) && Object.keys(v).length > 0) rec(v, p);
      else out.add(pathKey(p));
    }
  };
  rec(fields, []);
  return out;
}

/** SMD `Path.String()`: `.data.k`, `.metadata.finalizers[="x"]`, `.metadata.ownerReferences[uid="u"]`. */
export function pathString(k: string): string {
  return keyPath(k)
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('v:')) return `[=${el.slice(2)}]`;
      if (el.startsWith('k:')) {
        const o = JSON.parse(el.slice(2)) as Obj;
        return `[${Object.entries(o)
          .map(([a, b]) => `${a}=${JSON.stringify(b)}`)
          .join(',')}]`;
      }
      return el;
    })
    .join('');
}
