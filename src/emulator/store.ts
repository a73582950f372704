/**
 * @module emulator/store
 *
 * The in-memory object store: one map per resource keyed `<namespace>/<name>`, a single global
 * increasing resourceVersion (like an etcd revision), a bounded ring of past change events for
 * watch resumption, and live watch listeners. Stored objects are never mutated after they are
 * stored, so handlers can share them (and their cached JSON) without cloning.
 */
import { normalizeMeta, type Obj, type ResourceDef } from './resources.js';

export interface Entry {
  readonly obj: Obj;
  readonly rv: number;
  /** Cached JSON of `obj` (with kind/apiVersion). */
  json?: string;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeEvent {
  readonly type: EventType;
  readonly def: ResourceDef;
  readonly obj: Obj;
  /** The previous state for MODIFIED/DELETED (selector transitions). */
  readonly prev?: Obj;
  readonly rv: number;
}

export type Listener = (ev: ChangeEvent) => void;

const HISTORY = 10_000;

export function entryJson(e: Entry): string {
  if (e.json === undefined) e.json = JSON.stringify(e.obj);
  return e.json;
}

export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function tableKey(def: ResourceDef): string {
  return `${def.group}/${def.plural}`;
}

export class Store {
  rv = 0;
  private readonly tables = new Map<string, Map<string, Entry>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly ring: (ChangeEvent | undefined)[];
  private ringStart = 0;
  private ringLen = 0;
  /** Highest resourceVersion whose event has been evicted from the ring. */
  evictedUpTo = 0;
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Called after every committed change (persistence). */
  onChange: () => void = () => {};

  /** @param historySize how many change events watch resumption can replay. */
  constructor(private readonly historySize = HISTORY) {
    this.ring = new Array(historySize);
  }

  private table(def: ResourceDef): Map<string, Entry> {
    const k = tableKey(def);
    let t = this.tables.get(k);
    if (!t) {
      t = new Map();
      this.tables.set(k, t);
    }
    return t;
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): Entry | undefined {
    return this.tables.get(tableKey(def))?.get(keyOf(def.namespaced ? namespace : undefined, name));
  }

  /** Entries sorted by storage key (namespace, then name, byte order), optionally one namespace. */
  list(def: ResourceDef, namespace?: string): { key: string; entry: Entry }[] {
    const t = this.table(def);
    const tk = tableKey(def);
    let keys = this.sortedKeys.get(tk);
    if (!keys) {
      keys = [...t.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.sortedKeys.set(tk, keys);
    }
    const out: { key: string; entry: Entry }[] = [];
    if (def.namespaced && namespace) {
      const prefix = `${namespace}/`;
      for (const k of keys) {
        if (k.startsWith(prefix)) out.push({ key: k.slice(prefix.length), entry: t.get(k)! });
      }
    } else {
      for (const k of keys) out.push({ key: k, entry: t.get(k)! });
    }
    return out;
  }

  /** Stores `obj` (a fresh object owned by the store from now on) with the next resourceVersion. */
  put(def: ResourceDef, obj: Obj, type: 'ADDED' | 'MODIFIED'): Entry {
    const rv = ++this.rv;
    const meta = obj.metadata as Obj;
    obj.metadata = normalizeMeta({ ...meta, resourceVersion: String(rv) });
    const t = this.table(def);
    const key = keyOf(def.namespaced ? (meta.namespace as string) : undefined, meta.name as string);
    const prev = t.get(key);
    if (!prev) this.sortedKeys.delete(tableKey(def));
    const entry: Entry = { obj, rv };
    t.set(key, entry);
    this.emit({ type, def, obj, prev: prev?.obj, rv });
    return entry;
  }

  /** Removes an object; the DELETED event carries the deletion's new resourceVersion. */
  remove(def: ResourceDef, namespace: string | undefined, name: string): Obj | undefined {
    const t = this.table(def);
    const key = keyOf(def.namespaced ? namespace : undefined, name);
    const prev = t.get(key);
    if (!prev) return undefined;
    t.delete(key);
    this.sortedKeys.delete(tableKey(def));
    const rv = ++this.rv;
    const meta = prev.obj.metadata as Obj;
    const obj: Obj = { ...prev.obj, metadata: { ...meta, resourceVersion: String(rv) } };
    this.emit({ type: 'DELETED', def, obj, prev: prev.obj, rv });
    return obj;
  }

  private emit(ev: ChangeEvent): void {
    const size = this.historySize;
    if (this.ringLen === size) {
      const old = this.ring[this.ringStart]!;
      this.evictedUpTo = old.rv;
      this.ring[this.ringStart] = ev;
      this.ringStart = (this.ringStart + 1) % size;
    } else {
      this.ring[(this.ringStart + this.ringLen) % size] = ev;
      this.ringLen++;
    }
    const ls = this.listeners.get(tableKey(ev.def));
    if (ls) for (const l of ls) l(ev);
    this.onChange();
  }

  /** Past events of `def` strictly after `rv`, oldest first; undefined when `rv` is too old. */
  eventsSince(def: ResourceDef, rv: number): ChangeEvent[] | undefined {
    if (rv < this.evictedUpTo) return undefined;
    const out: ChangeEvent[] = [];
    const tk = tableKey(def);
    for (let i = 0; i < this.ringLen; i++) {
      const ev = this.ring[(this.ringStart + i) % this.historySize]!;
      if (ev.rv > rv && tableKey(ev.def) === tk) out.push(ev);
    }
    return out;
  }

  subscribe(def: ResourceDef, l: Listener): () => void {
    const k = tableKey(def);
    let s = this.listeners.get(k);
    if (!s) {
      s = new Set();
      this.listeners.set(k, s);
    }
    s.add(l);
    return () => s.delete(l);
  }

  /** Every stored object (persistence). */
  all(): Obj[] {
    const out: Obj[] = [];
    for (const t of this.tables.values()) for (const e of t.values()) out.push(e.obj);
    return out;
  }

  /** Restores objects as they were saved (their resourceVersions kept), without events. */
  load(def: ResourceDef, obj: Obj): void {
    const meta = obj.metadata as Obj;
    const rv = Number(meta.resourceVersion) || 0;
    this.table(def).set(keyOf(def.namespaced ? (meta.namespace as string) : undefined, meta.name as string), {
      obj,
      rv,
    });
    this.sortedKeys.delete(tableKey(def));
  }
}
