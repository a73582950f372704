/**
 * @module emulator/wire/table
 *
 * `as=Table` responses for `kubectl get` (meta.k8s.io/v1 Table), with the columns, cell types and
 * swagger descriptions of kubernetes `pkg/printers/internalversion/printers.go` (server-side
 * printing uses the wide column set), `includeObject=None|Metadata|Object`
 * (`handlers/response.go`), list metadata, and one-row tables for watch events (`noHeaders` →
 * `columnDefinitions: null`). Ages use apimachinery `duration.HumanDuration`.
 */
import { Statuses } from '../status.js';

/** True when the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io');
  });
}

export interface TableOptions {
  readonly includeObject?: string;
  readonly noHeaders?: boolean;
  readonly resourceVersion?: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
  readonly now?: Date;
}

type Obj = Record<string, unknown>;
interface Column {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

const DOC_NAME =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const DOC_CREATED =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
const DOC_SECRET_TYPE =
  'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types';
const DOC_SECRET_DATA =
  "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly empty) value here. Described in https://tools.ietf.org/html/rfc4648#section-4";
const DOC_SA_SECRETS =
  'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret';
const DOC_ROLE_REF =
  'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.';

const col = (name: string, description: string, extra: Partial<Column> = {}): Column => ({
  name,
  type: 'string',
  format: '',
  description,
  priority: 0,
  ...extra,
});
const NAME = col('Name', DOC_NAME, { format: 'name' });
const AGE = col('Age', DOC_CREATED);
const CREATED_AT = col('Created At', DOC_CREATED, { type: 'date' });

const meta = (o: Obj): Obj =>
  o.metadata !== null && typeof o.metadata === 'object' ? (o.metadata as Obj) : {};
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** apimachinery `duration.HumanDuration`. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** apimachinery `duration.ShortHumanDuration` (coarser: one unit). */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
}

function age(o: Obj, now: Date): string {
  const ts = Date.parse(str(meta(o).creationTimestamp));
  return Number.isNaN(ts) ? '<unknown>' : humanDuration(now.getTime() - ts);
}

function createdAt(o: Obj): string {
  const ts = Date.parse(str(meta(o).creationTimestamp));
  return Number.isNaN(ts) ? '' : `${new Date(ts).toISOString().slice(0, 19)}Z`;
}

/** rbac.SubjectsStrings: users, groups, service accounts (`ns/name`). */
function subjectsStrings(o: Obj): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of Array.isArray(o.subjects) ? (o.subjects as Obj[]) : []) {
    if (s.kind === 'User') users.push(str(s.name));
    else if (s.kind === 'Group') groups.push(str(s.name));
    else if (s.kind === 'ServiceAccount')
      sas.push(s.namespace ? `${str(s.namespace)}/${str(s.name)}` : str(s.name));
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

interface Printer {
  readonly columns: readonly Column[];
  cells(o: Obj, now: Date): unknown[];
}

const BINDING: Printer = {
  columns: [
    NAME,
    col('Role', DOC_ROLE_REF),
    AGE,
    col('Users', 'Users in the roleBinding', { priority: 1 }),
    col('Groups', 'Groups in the roleBinding', { priority: 1 }),
    col('ServiceAccounts', 'ServiceAccounts in the roleBinding', { priority: 1 }),
  ],
  cells: (o, now) => {
    const ref = (o.roleRef ?? {}) as Obj;
    return [str(meta(o).name), `${str(ref.kind)}/${str(ref.name)}`, age(o, now), ...subjectsStrings(o)];
  },
};
const ROLE: Printer = { columns: [NAME, CREATED_AT], cells: (o) => [str(meta(o).name), createdAt(o)] };

const PRINTERS: Readonly<Record<string, Printer>> = {
  secrets: {
    columns: [NAME, col('Type', DOC_SECRET_TYPE), col('Data', DOC_SECRET_DATA), AGE],
    cells: (o, now) => [
      str(meta(o).name),
      str(o.type),
      o.data !== null && typeof o.data === 'object' ? Object.keys(o.data).length : 0,
      age(o, now),
    ],
  },
  namespaces: {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    cells: (o, now) => [str(meta(o).name), str(((o.status ?? {}) as Obj).phase), age(o, now)],
  },
  serviceaccounts: {
    columns: [NAME, col('Secrets', DOC_SA_SECRETS), AGE],
    cells: (o, now) => [str(meta(o).name), Array.isArray(o.secrets) ? o.secrets.length : 0, age(o, now)],
  },
  roles: ROLE,
  clusterroles: ROLE,
  rolebindings: BINDING,
  clusterrolebindings: BINDING,
};

/** The default table convertor for anything without a printer: Name and Created At. */
const DEFAULT_PRINTER: Printer = ROLE;

/**
 * Renders objects of `resource` (plural, e.g. `secrets`) as a Table.
 * @throws StatusError 400 `unrecognized includeObject value: "x"`.
 * @example toTable('secrets', [secret], { resourceVersion: '12' })
 */
export function toTable(
  resource: string,
  items: readonly Record<string, unknown>[],
  options: TableOptions = {},
): Record<string, unknown> {
  const include =
    options.includeObject === undefined || options.includeObject === '' ? 'Metadata' : options.includeObject;
  if (include !== 'None' && include !== 'Metadata' && include !== 'Object') {
    throw Statuses.badRequest(`unrecognized includeObject value: ${JSON.stringify(include)}`);
  }
  const printer = PRINTERS[resource] ?? DEFAULT_PRINTER;
  const now = options.now ?? new Date();
  const listMeta: Obj = {};
  if (options.resourceVersion) listMeta.resourceVersion = options.resourceVersion;
  if (options.continue) listMeta.continue = options.continue;
  if (options.remainingItemCount !== undefined) listMeta.remainingItemCount = options.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: options.noHeaders ? null : printer.columns,
    rows: items.map((o) => ({
      cells: printer.cells(o, now),
      object:
        include === 'None'
          ? null
          : include === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta(o) },
    })),
  };
}
