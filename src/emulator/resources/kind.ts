/**
 * @module emulator/resources/kind
 *
 * What one served resource kind declares: group/version/kind, scope, verbs, short names,
 * selectable fields, known top-level fields in Go struct order (strict decoding, served key
 * order), subresources (discovery), its table printer and its protobuf message. Each kind's
 * module in this folder exports one `ResourceDef`; `registry.ts` lists them, and discovery,
 * OpenAPI, tables, protobuf and the REST registry read them from there.
 */
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
}

/** Every verb of a read-write kind. */
export const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const RBAC_GROUP = 'rbac.authorization.k8s.io';
