/**
 * @module emulator/rest
 *
 * The generic registry: create / get / update / patch / delete / list for every served resource,
 * following apiserver's generic store pipeline (decode → defaulting → wipe server fields →
 * namespace lifecycle admission → uid/creationTimestamp/generateName → validation → store, with
 * optimistic concurrency on resourceVersion, dry-run, field managers and no-op detection). The
 * kind-specific steps (decode, defaults, normalize, prepareForCreate/Update, validate,
 * validateUpdate, deleteResponse) are the hooks of its `ResourceDef`. Used by both the HTTP layer
 * and the operator methods, so both see the same semantics.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { recordWrite } from './wire/managed-fields.js';
import { applyPatch } from './wire/patch.js';
import {
  type FieldSelector,
  type LabelMatcher,
  parseFieldSelector,
  parseLabelSelector,
} from './wire/selectors.js';
import {
  apiVersionOf,
  cannotHandle,
  normalize,
  nowTimestamp,
  type Obj,
  type ResourceDef,
  resourceFor,
  unknownFields,
  validateObject,
} from './resources.js';
import { failure, type Status, StatusError, Statuses, success } from './status.js';
import { type Entry, keyOf, type Store } from './store.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  readonly manager: string;
  readonly dryRun: boolean;
  readonly fieldValidation: FieldValidation;
  /** Warnings for the `Warning` response header (unknown fields under Warn). */
  readonly warnings: string[];
}

export interface WriteResult {
  readonly obj: Obj;
  readonly created: boolean;
}

export interface ListResult {
  readonly items: Entry[];
  readonly resourceVersion: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export interface ListOptions {
  readonly labelSelector?: string | null;
  readonly fieldSelector?: string | null;
  readonly limit?: number;
  readonly continue?: string | null;
}

export interface Selector {
  readonly labels?: LabelMatcher;
  readonly fields?: FieldSelector;
}

export interface DeleteOptionsBody {
  readonly preconditions?: { uid?: string; resourceVersion?: string };
  readonly dryRun?: boolean;
}

/** Side effects of deletions (namespace contents, ServiceAccount tokens). */
export interface RegistryHooks {
  onDelete?(def: ResourceDef, obj: Obj): void;
}

const NS_DEF = resourceFor('', 'v1', 'namespaces')!;
const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function meta(o: Obj): Obj {
  const m = o.metadata;
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as Obj) : {};
}

export function matchesSelector(sel: Selector, o: Obj): boolean {
  if (sel.labels && !sel.labels(meta(o).labels as Record<string, string> | undefined)) return false;
  if (sel.fields && !sel.fields.matches(o)) return false;
  return true;
}

export function parseSelectors(
  def: ResourceDef,
  labelSelector?: string | null,
  fieldSelector?: string | null,
): Selector {
  return {
    labels: labelSelector ? parseLabelSelector(labelSelector) : undefined,
    fields: fieldSelector ? parseFieldSelector(fieldSelector, def.selectableFields) : undefined,
  };
}

/** Stable form for no-op detection: no resourceVersion, managedFields without timestamps. */
function comparable(o: Obj): string {
  const m = { ...meta(o) };
  delete m.resourceVersion;
  if (Array.isArray(m.managedFields)) {
    m.managedFields = (m.managedFields as Obj[]).map((f) => {
      const { time: _t, ...rest } = f;
      return rest;
    });
  }
  return JSON.stringify({ ...o, metadata: m });
}

export class Registry {
  constructor(
    private readonly store: Store,
    private readonly hooks: RegistryHooks = {},
  ) {}

  private checkTypeMeta(def: ResourceDef, body: Obj): void {
    const av = body.apiVersion;
    if (av !== undefined && av !== '' && av !== apiVersionOf(def)) {
      throw Statuses.badRequest(
        `the API version in the data (${String(av)}) does not match the expected API version (${apiVersionOf(def)})`,
      );
    }
    const kind = body.kind;
    if (kind !== undefined && kind !== '' && kind !== def.kind) {
      throw cannotHandle(
        def,
        `the object provided is unrecognized (must be of type ${def.kind}): ${String(kind)}`,
      );
    }
    if (body.metadata !== undefined && (typeof body.metadata !== 'object' || Array.isArray(body.metadata))) {
      throw cannotHandle(
        def,
        `json: cannot unmarshal into Go struct field ${def.kind}.metadata of type v1.ObjectMeta`,
      );
    }
  }

  private checkFields(def: ResourceDef, body: Obj, opts: WriteOptions): void {
    if (opts.fieldValidation === 'Ignore') return;
    const bad = unknownFields(def, body);
    if (bad.length === 0) return;
    if (opts.fieldValidation === 'Strict') {
      throw cannotHandle(def, `strict decoding error: ${bad.map((b) => `unknown field "${b}"`).join(', ')}`);
    }
    for (const b of bad) opts.warnings.push(`unknown field "${b}"`);
  }

  private decode(def: ResourceDef, body: Obj): Obj {
    return def.decode ? def.decode(body) : body;
  }

  private validate(def: ResourceDef, next: Obj, old: Obj | undefined): void {
    const causes = validateObject(def, next, old);
    if (causes.length > 0)
      throw Statuses.invalid(def.kind, (meta(next).name as string) ?? '', causes, def.group);
  }

  private requireNamespace(def: ResourceDef, namespace: string): void {
    if (!def.namespaced) return;
    if (!this.store.get(NS_DEF, undefined, namespace)) throw Statuses.notFound('namespaces', namespace);
  }

  get(def: ResourceDef, namespace: string, name: string): Entry {
    const e = this.store.get(def, namespace, name);
    if (!e) throw Statuses.notFound(def.plural, name, def.group);
    return e;
  }

  /** @throws StatusError 400/404/409/422/500 as kube-apiserver does for create. */
  create(def: ResourceDef, namespace: string, body: Obj, opts: WriteOptions): Obj {
    this.checkTypeMeta(def, body);
    this.checkFields(def, body, opts);
    const decoded = this.decode(def, body);
    const m: Obj = { ...meta(decoded) };
    for (const k of [
      'creationTimestamp',
      'uid',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'selfLink',
    ]) {
      delete m[k];
    }
    if (def.namespaced) {
      if (m.namespace && m.namespace !== namespace) {
        throw Statuses.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      m.namespace = namespace;
    } else {
      delete m.namespace;
    }
    this.requireNamespace(def, namespace);
    m.uid = randomUUID();
    m.creationTimestamp = nowTimestamp();
    const generated = !m.name && typeof m.generateName === 'string' && m.generateName !== '';
    if (generated) m.name = this.generateName(def, namespace, m.generateName as string);
    const rv = m.resourceVersion;
    delete m.resourceVersion;
    const defaulted = { ...decoded, metadata: m };
    def.defaults?.(defaulted);
    const next = normalize(def, defaulted);
    def.prepareForCreate?.(next);
    this.validate(def, next, undefined);
    if (rv !== undefined && rv !== '') {
      throw new StatusError(failure(500, '', 'resourceVersion should not be set on objects to be created'));
    }
    const name = m.name as string;
    if (this.store.get(def, namespace, name)) {
      throw generated
        ? Statuses.generateNameConflict(def.plural, name, def.group)
        : Statuses.alreadyExists(def.plural, name, def.group);
    }
    recordWrite(next, undefined, opts.manager, 'Update', new Date());
    if (opts.dryRun) return next;
    return this.store.put(def, next, 'ADDED').obj;
  }

  private generateName(def: ResourceDef, namespace: string, base: string): string {
    const b = base.length > 58 ? base.slice(0, 58) : base;
    let name = '';
    for (let attempt = 0; attempt < 8; attempt++) {
      name = b;
      for (let i = 0; i < 5; i++) name += GENERATE_ALPHABET[randomInt(GENERATE_ALPHABET.length)];
      if (!this.store.get(def, namespace, name)) return name;
    }
    return name;
  }

  /** PUT. @throws StatusError 400 name/namespace mismatch, 404 (no create on update), 409, 422. */
  update(def: ResourceDef, namespace: string, name: string, body: Obj, opts: WriteOptions): WriteResult {
    this.checkTypeMeta(def, body);
    const m = meta(body);
    if (m.name !== undefined && m.name !== '' && m.name !== name) {
      throw Statuses.badRequest(
        `the name of the object (${String(m.name)}) does not match the name on the URL (${name})`,
      );
    }
    if (def.namespaced && m.namespace && m.namespace !== namespace) {
      throw Statuses.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const current = this.store.get(def, namespace, name);
    if (!current) {
      if (!def.allowCreateOnUpdate) throw Statuses.notFound(def.plural, name, def.group);
      const { resourceVersion: _rv, ...rest } = m;
      return {
        obj: this.create(def, namespace, { ...body, metadata: { ...rest, name } }, opts),
        created: true,
      };
    }
    this.checkFields(def, body, opts);
    const rv = m.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== meta(current.obj).resourceVersion) {
      throw Statuses.conflict(def.plural, name, def.group);
    }
    return { obj: this.commitUpdate(def, namespace, name, current, body, opts, 'Update'), created: false };
  }

  private commitUpdate(
    def: ResourceDef,
    namespace: string,
    name: string,
    current: Entry,
    body: Obj,
    opts: WriteOptions,
    operation: 'Update' | 'Apply',
  ): Obj {
    const old = current.obj;
    const om = meta(old);
    const bm = meta(body);
    if (bm.uid && bm.uid !== om.uid) {
      throw Statuses.preconditionFailed(
        def.plural,
        namespace,
        name,
        'UID',
        String(bm.uid),
        String(om.uid),
        def.group,
      );
    }
    const decoded = this.decode(def, body);
    const m: Obj = {
      ...meta(decoded),
      name,
      uid: om.uid,
      creationTimestamp: om.creationTimestamp,
      generation: om.generation,
      deletionTimestamp: om.deletionTimestamp,
      deletionGracePeriodSeconds: om.deletionGracePeriodSeconds,
    };
    if (def.namespaced) m.namespace = namespace;
    else delete m.namespace;
    if (!('managedFields' in meta(decoded)) && om.managedFields) m.managedFields = om.managedFields;
    const defaulted = { ...decoded, metadata: m };
    def.defaults?.(defaulted);
    const next = normalize(def, defaulted);
    def.prepareForUpdate?.(next, old);
    this.validate(def, next, old);
    recordWrite(next, old, opts.manager, operation, new Date());
    if (comparable(next) === comparable(old)) return old;
    if (opts.dryRun) return next;
    return this.store.put(def, next, 'MODIFIED').obj;
  }

  /**
   * PATCH of any of the four types. A patch that changes metadata.resourceVersion is a
   * precondition; an apply patch on a missing object creates it.
   */
  patch(
    def: ResourceDef,
    namespace: string,
    name: string,
    contentType: string,
    raw: string,
    opts: WriteOptions & { force?: boolean },
  ): WriteResult {
    const isApply = contentType === 'application/apply-patch+yaml';
    if (isApply && !opts.manager) {
      throw Statuses.invalid(
        'PatchOptions',
        '',
        [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: is required for apply patch',
            field: 'fieldManager',
          },
        ],
        'meta.k8s.io',
      );
    }
    if (!isApply && opts.force !== undefined) {
      throw Statuses.invalid(
        'PatchOptions',
        '',
        [
          {
            reason: 'FieldValueForbidden',
            message: 'Forbidden: may not be specified for non-apply patch',
            field: 'force',
          },
        ],
        'meta.k8s.io',
      );
    }
    const current = this.store.get(def, namespace, name);
    if (!current) {
      if (!isApply) throw Statuses.notFound(def.plural, name, def.group);
      this.requireNamespace(def, namespace);
      const skeleton: Obj = {
        kind: def.kind,
        apiVersion: apiVersionOf(def),
        metadata: def.namespaced ? { name, namespace } : { name },
      };
      const patched = applyPatch(contentType, skeleton, raw, {
        fieldManager: opts.manager,
        force: opts.force,
        creating: true,
      });
      this.checkNameMatches(def, patched, namespace, name);
      const obj = this.create(def, namespace, patched, opts);
      return { obj, created: true };
    }
    const patched = applyPatch(contentType, current.obj, raw, {
      fieldManager: opts.manager,
      force: opts.force,
    });
    this.checkTypeMeta(def, patched);
    this.checkNameMatches(def, patched, namespace, name);
    this.checkFields(def, patched, opts);
    const rv = meta(patched).resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== meta(current.obj).resourceVersion) {
      throw Statuses.conflict(def.plural, name, def.group);
    }
    return {
      obj: this.commitUpdate(def, namespace, name, current, patched, opts, isApply ? 'Apply' : 'Update'),
      created: false,
    };
  }

  private checkNameMatches(def: ResourceDef, o: Obj, namespace: string, name: string): void {
    const m = meta(o);
    if (m.name !== undefined && m.name !== name) {
      throw Statuses.badRequest(
        `the name of the object (${String(m.name)}) does not match the name on the URL (${name})`,
      );
    }
    if (def.namespaced && m.namespace !== undefined && m.namespace !== '' && m.namespace !== namespace) {
      throw Statuses.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
  }

  /** DELETE one object. Returns the Status (or, for Namespaces, the terminating object). */
  delete(def: ResourceDef, namespace: string, name: string, opts: DeleteOptionsBody): Status | Obj {
    const current = this.store.get(def, namespace, name);
    if (!current) throw Statuses.notFound(def.plural, name, def.group);
    const om = meta(current.obj);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== om.uid) {
      throw Statuses.preconditionFailed(
        def.plural,
        namespace,
        name,
        'UID',
        pre.uid,
        String(om.uid),
        def.group,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== om.resourceVersion) {
      throw Statuses.preconditionFailed(
        def.plural,
        namespace,
        name,
        'ResourceVersion',
        pre.resourceVersion,
        String(om.resourceVersion),
        def.group,
      );
    }
    let last = current.obj;
    if (!opts.dryRun) {
      last = this.store.remove(def, namespace, name) ?? current.obj;
      this.hooks.onDelete?.(def, last);
    }
    if (def.deleteResponse) return def.deleteResponse(last);
    return success({ name, group: def.group, kind: def.plural, uid: om.uid as string });
  }

  /** DELETE on a collection: deletes the matching objects, returns them as a list. */
  deleteCollection(def: ResourceDef, namespace: string, sel: Selector, dryRun: boolean): Obj[] {
    const out: Obj[] = [];
    for (const { entry } of this.store.list(def, def.namespaced ? namespace : undefined)) {
      if (!matchesSelector(sel, entry.obj)) continue;
      const m = meta(entry.obj);
      if (dryRun) out.push(entry.obj);
      else {
        const last = this.store.remove(def, m.namespace as string, m.name as string);
        if (last) {
          out.push(last);
          this.hooks.onDelete?.(def, last);
        }
      }
    }
    return out;
  }

  /** List with selectors and limit/continue (tokens as apiserver encodes them). */
  list(def: ResourceDef, namespace: string, opts: ListOptions): ListResult {
    const sel = parseSelectors(def, opts.labelSelector, opts.fieldSelector);
    const filtered = !!(opts.labelSelector || opts.fieldSelector);
    let listRv = String(this.store.rv);
    let start = '';
    if (opts.continue) {
      const tok = decodeContinue(opts.continue);
      listRv = String(tok.rv);
      start = tok.start;
    }
    const all = this.store.list(def, def.namespaced ? namespace || undefined : undefined);
    const items: Entry[] = [];
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let i = 0;
    if (start) {
      while (i < all.length && all[i]!.key < start) i++;
    }
    let lastKey = '';
    for (; i < all.length; i++) {
      const { key, entry } = all[i]!;
      if (!matchesSelector(sel, entry.obj)) continue;
      if (limit && items.length === limit) break;
      items.push(entry);
      lastKey = key;
    }
    if (limit && i < all.length && items.length === limit) {
      // More may remain (with selectors, the next page may turn out empty, as in kube).
      let remaining = 0;
      for (let j = i; j < all.length; j++)
        if (!filtered || matchesSelector(sel, all[j]!.entry.obj)) remaining++;
      if (remaining > 0 || filtered) {
        return {
          items,
          resourceVersion: listRv,
          continue: encodeContinue(Number(listRv), `${lastKey}\u0000`),
          remainingItemCount: filtered ? undefined : remaining,
        };
      }
    }
    return { items, resourceVersion: listRv };
  }

  /** The object's key as the store holds it (for continue tokens). */
  static key(namespace: string | undefined, name: string): string {
    return keyOf(namespace, name);
  }
}

export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: string;
      rv?: number;
      start?: string;
    };
    if (t.v !== 'meta.k8s.io/v1') throw new Error('bad version');
    if (typeof t.rv !== 'number' || typeof t.start !== 'string' || t.start === '')
      throw new Error('bad token');
    return { rv: t.rv, start: t.start };
  } catch {
    throw Statuses.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}
