/**
 * @module emulator/wire/json-patch
 *
 * RFC 6902 JSON Patch with the behaviour and error wording of gopkg.in/evanphx/json-patch.v4, the
 * library kube-apiserver v1.32 uses (`handlers/patch.go`). Quirks kept on purpose because real
 * servers have them: `replace` on a missing object key succeeds (v4 `partialDoc.get` never fails),
 * and errors are wrapped `<context>: missing value` / `: test failed`.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A failed operation; the caller maps it to 422 (or 400 for decode errors). */
export class JsonPatchError extends Error {
  constructor(
    message: string,
    readonly decode = false,
  ) {
    super(message);
  }
}

const MISSING = 'missing value';
const TEST_FAILED = 'test failed';
const INVALID_INDEX = 'invalid index referenced';

/** Go's json.Unmarshal wording for the common decode failures. */
export function goJsonError(text: string, target: string): string {
  try {
    const v = JSON.parse(text);
    const kind = Array.isArray(v)
      ? 'array'
      : v === null
        ? 'null'
        : typeof v === 'object'
          ? 'object'
          : typeof v;
    return `json: cannot unmarshal ${kind === 'boolean' ? 'bool' : kind} into Go value of type ${target}`;
  } catch {
    const t = text.trim();
    if (t === '') return 'unexpected end of JSON input';
    return `invalid character '${t[0]}' looking for beginning of value`;
  }
}

/**
 * Decodes a JSON Patch document (an array of operation objects).
 * @throws JsonPatchError (decode=true) when the body is not a JSON array of objects.
 */
export function decodeJsonPatch(body: string): Record<string, unknown>[] {
  let ops: unknown;
  try {
    ops = JSON.parse(body);
  } catch {
    throw new JsonPatchError(goJsonError(body, 'jsonpatch.Patch'), true);
  }
  if (!Array.isArray(ops) || ops.some((o) => o === null || typeof o !== 'object' || Array.isArray(o))) {
    throw new JsonPatchError(goJsonError(body, 'jsonpatch.Patch'), true);
  }
  return ops as Record<string, unknown>[];
}

const decodeKey = (k: string) => k.replace(/~1/g, '/').replace(/~0/g, '~');
const isObj = (v: unknown): v is { [k: string]: Json } =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

type Container = { kind: 'obj'; v: { [k: string]: Json } } | { kind: 'arr'; v: Json[]; parent: Setter };
type Setter = (v: Json[]) => void;

/** evanphx findObject: walk all but the last segment; undefined when any step is missing. */
function findObject(root: { doc: Json }, path: string): { con: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  const parts = split.slice(1, -1);
  const key = decodeKey(split[split.length - 1]!);
  let cur: Json = root.doc;
  let setter: Setter = (v) => {
    root.doc = v;
  };
  for (const raw of parts) {
    const part = decodeKey(raw);
    let next: Json | undefined;
    if (isObj(cur)) {
      next = cur[part];
      const holder = cur;
      setter = (v) => {
        holder[part] = v;
      };
    } else if (Array.isArray(cur)) {
      const idx = Number(part);
      if (!/^-?\d+$/.test(part) || idx < 0 || idx >= cur.length) return undefined;
      next = cur[idx];
      const holder = cur;
      setter = (v) => {
        holder[idx] = v;
      };
    } else return undefined;
    if (next === undefined || next === null) return undefined;
    if (typeof next !== 'object') return undefined;
    cur = next;
  }
  if (isObj(cur)) return { con: { kind: 'obj', v: cur }, key };
  if (Array.isArray(cur)) return { con: { kind: 'arr', v: cur, parent: setter }, key };
  return undefined;
}

function arrIndex(key: string, len: number, forAdd: boolean): number {
  if (!/^-?\d+$/.test(key))
    throw new JsonPatchError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  let idx = Number(key);
  if (forAdd) {
    if (idx > len || idx < -len)
      throw new JsonPatchError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    if (idx < 0) idx += len;
    return idx;
  }
  if (idx >= len || idx < -len)
    throw new JsonPatchError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  if (idx < 0) idx += len;
  return idx;
}

function conGet(con: Container, key: string): Json | undefined {
  if (con.kind === 'obj') return con.v[key];
  return con.v[arrIndex(key, con.v.length, false)];
}

function conAdd(con: Container, key: string, value: Json): void {
  if (con.kind === 'obj') {
    con.v[key] = value;
    return;
  }
  if (key === '-') {
    con.v.push(value);
    return;
  }
  const idx = arrIndex(key, con.v.length, true);
  con.v.splice(idx, 0, value);
}

function conRemove(con: Container, key: string): void {
  if (con.kind === 'obj') {
    if (!Object.hasOwn(con.v, key))
      throw new JsonPatchError(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete con.v[key];
    return;
  }
  const idx = arrIndex(key, con.v.length, false);
  con.v.splice(idx, 1);
}

function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

function str(op: Record<string, unknown>, field: 'path' | 'from', context: string): string {
  const v = op[field];
  if (typeof v !== 'string') {
    throw new JsonPatchError(
      `${context} operation failed to decode ${field}: operation missing ${field} field: ${MISSING}`,
    );
  }
  return v;
}

/**
 * Applies decoded operations to a deep copy of `doc`.
 * @throws JsonPatchError with evanphx v4 wording, e.g.
 *   `add operation does not apply: doc is missing path: "/x/y": missing value`.
 */
export function applyJsonPatch(doc: unknown, ops: readonly Record<string, unknown>[]): unknown {
  const root = { doc: structuredClone(doc) as Json };
  for (const op of ops) {
    const kind = typeof op.op === 'string' ? op.op : 'unknown';
    const value = (op.value === undefined ? null : op.value) as Json;
    switch (kind) {
      case 'add': {
        const path = str(op, 'path', 'add');
        const f = findObject(root, path);
        if (!f)
          throw new JsonPatchError(
            `add operation does not apply: doc is missing path: "${path}": ${MISSING}`,
          );
        try {
          conAdd(f.con, f.key, structuredClone(value));
        } catch (e) {
          throw new JsonPatchError(`error in add for path: '${path}': ${(e as Error).message}`);
        }
        break;
      }
      case 'remove': {
        const path = str(op, 'path', 'remove');
        const f = findObject(root, path);
        if (!f)
          throw new JsonPatchError(
            `remove operation does not apply: doc is missing path: "${path}": ${MISSING}`,
          );
        try {
          conRemove(f.con, f.key);
        } catch (e) {
          throw new JsonPatchError(`error in remove for path: '${path}': ${(e as Error).message}`);
        }
        break;
      }
      case 'replace': {
        const path = str(op, 'path', 'replace');
        if (path === '') {
          root.doc = structuredClone(value);
          break;
        }
        const f = findObject(root, path);
        if (!f)
          throw new JsonPatchError(
            `replace operation does not apply: doc is missing path: ${path}: ${MISSING}`,
          );
        try {
          if (f.con.kind === 'arr') {
            const idx = arrIndex(f.key, f.con.v.length, false);
            f.con.v[idx] = structuredClone(value);
          } else f.con.v[f.key] = structuredClone(value);
        } catch {
          throw new JsonPatchError(
            `replace operation does not apply: doc is missing key: ${path}: ${MISSING}`,
            false,
          );
        }
        break;
      }
      case 'move':
      case 'copy': {
        const from = str(op, 'from', kind);
        const f = findObject(root, from);
        if (!f)
          throw new JsonPatchError(
            `${kind} operation does not apply: doc is missing from path: ${from}: ${MISSING}`,
          );
        let val: Json | undefined;
        try {
          val = conGet(f.con, f.key);
          if (kind === 'move') conRemove(f.con, f.key);
        } catch (e) {
          const ctx =
            kind === 'move' ? `error in move for path: '${f.key}'` : `error in copy for from: '${from}'`;
          throw new JsonPatchError(`${ctx}: ${(e as Error).message}`);
        }
        const path = str(op, 'path', kind);
        const t = findObject(root, path);
        if (!t) {
          throw new JsonPatchError(
            `${kind} operation does not apply: doc is missing destination path: ${path}: ${MISSING}`,
          );
        }
        try {
          conAdd(t.con, t.key, structuredClone(val ?? null));
        } catch (e) {
          throw new JsonPatchError(`error in ${kind} for path: '${path}': ${(e as Error).message}`);
        }
        break;
      }
      case 'test': {
        const path = str(op, 'path', 'test');
        let cur: Json | undefined;
        if (path === '') cur = root.doc;
        else {
          const f = findObject(root, path);
          if (!f)
            throw new JsonPatchError(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
          try {
            cur = conGet(f.con, f.key);
          } catch (e) {
            throw new JsonPatchError(`error in test for path: '${path}': ${(e as Error).message}`);
          }
        }
        const want = op.value === undefined ? undefined : (op.value as Json);
        const ok =
          cur === undefined || cur === null ? want === undefined || want === null : deepEqual(cur, want);
        if (!ok) throw new JsonPatchError(`testing value ${path} failed: ${TEST_FAILED}`);
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${kind}`);
    }
  }
  return root.doc;
}
