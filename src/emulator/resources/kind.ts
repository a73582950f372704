/**
 * @module emulator/resources/kind
 *
 * What one served resource kind declares: group/version/kind, scope, verbs, short names,
 * selectable fields, known top-level fields in Go struct order (strict decoding, served key
 * order), subresources (discovery), its table printer, its protobuf message, and its write
 * pipeline: decoding, defaulting, normalisation, strategy hooks and validation (create and
 * update, with the v1.32 messages). Each kind's module in this folder exports one `ResourceDef`;
 * `registry.ts` lists them, and discovery, OpenAPI, tables, protobuf and the REST registry read
 * them from there. No generic code asks for a kind by name.
 */
import { type StatusCause, Statuses } from '../status.js';
import type { Printer } from '../wire/table.js';

export type Obj = Record<string, unknown>;

export interface ResourceDef {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly verbs: readonly string[];
  /** PUT on a missing object creates it (RBAC kinds); false for Secrets, Namespaces, ServiceAccounts. */
  readonly allowCreateOnUpdate: boolean;
  /** Top-level fields after kind/apiVersion/metadata, in Go struct order. */
  readonly fields: readonly string[];
  /** Write-only fields accepted on input but never stored (Secret stringData). */
  readonly inputOnly?: readonly string[];
  readonly selectableFields: Readonly<Record<string, (o: Obj) => string>>;
  readonly subresources?: readonly {
    name: string;
    group: string;
    version: string;
    kind: string;
    verbs: string[];
  }[];
  /** `as=Table` columns and cells; without one, the default Name / Created At printer. */
  readonly table?: Printer;
  /** Message name in `wire/protobuf-schema.ts` KUBE_PROTO. */
  readonly protobufMessage: string;
  /**
   * The v1 conversion of a request body, before anything else reads it (Secret: base64 `data`
   * checks, `stringData` merged into `data`). Throws the 400 `cannot be handled` Status.
   * Without one, the body as sent.
   */
  readonly decode?: (body: Obj) => Obj;
  /**
   * Defaulting that needs the final metadata (Namespace: the `kubernetes.io/metadata.name`
   * label), applied in place to the decoded object just before `normalize`, on create and update.
   */
  readonly defaults?: (o: Obj) => void;
  /**
   * The kind's top-level fields in served form and Go order (with the v1 field defaulting);
   * kind, apiVersion and metadata are written by the generic `normalize`. Without one,
   * `fieldsInOrder(fields, o)`.
   */
  readonly normalize?: (o: Obj) => Obj;
  /** Strategy PrepareForCreate on the normalised object (Namespace: status phase Active). */
  readonly prepareForCreate?: (next: Obj) => void;
  /** Strategy PrepareForUpdate on the normalised object (Namespace: status kept from `old`). */
  readonly prepareForUpdate?: (next: Obj, old: Obj) => void;
  /** Create validation; the causes in upstream order, empty means valid. */
  readonly validate: (o: Obj) => StatusCause[];
  /** Update validation of `next` replacing `old` (update, patch, apply). */
  readonly validateUpdate: (next: Obj, old: Obj) => StatusCause[];
  /**
   * The body a DELETE answers with, given the removed object. Without one, a Success Status
   * (Namespace: the object in phase Terminating).
   */
  readonly deleteResponse?: (last: Obj) => Obj;
}

/** Omitted by Go's `omitempty`: undefined, null, '', [] and {}. */
export function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as Obj).length === 0)
  );
}

/** A copy of a map with its keys sorted (Go marshals maps sorted); undefined for a non-object. */
export function sortedMap(m: unknown): Obj | undefined {
  if (m === null || typeof m !== 'object') return undefined;
  const keys = Object.keys(m as Obj).sort();
  const out: Obj = {};
  for (const k of keys) out[k] = (m as Obj)[k];
  return out;
}

/**
 * `fields` of `o` in that order, each passed through `fix` (identity without one); a field whose
 * value comes out undefined is left out.
 */
export function fieldsInOrder(
  fields: readonly string[],
  o: Obj,
  fix: (field: string, v: unknown) => unknown = (_f, v) => v,
): Obj {
  const out: Obj = {};
  for (const f of fields) {
    const v = fix(f, o[f]);
    if (v !== undefined) out[f] = v;
  }
  return out;
}

/** 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: <detail>`. */
export function cannotHandle(d: { kind: string; version: string }, detail: string) {
  return Statuses.badRequest(
    `${d.kind} in version "${d.version}" cannot be handled as a ${d.kind}: ${detail}`,
  );
}

/** RFC 3339 at second precision, UTC `Z`, as metav1.Time marshals. */
export function nowTimestamp(d = new Date()): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** Every verb of a read-write kind. */
export const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const RBAC_GROUP = 'rbac.authorization.k8s.io';
