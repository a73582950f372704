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
export interface Column {
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
export const col = (name: string, description: string, extra: Partial<Column> = {}): Column => ({
  name,
  type: 'string',
  format: '',
  description,
  priority: 0,
  ...extra,
});
export const NAME = col('Name', DOC_NAME, { format: 'name' });
export const AGE = col('Age', DOC_CREATED);
export const CREATED_AT = col('Created At', DOC_CREATED, { type: 'date' });

export const meta = (o: Obj): Obj =>
  o.metadata !== null && typeof o.metadata === 'object' ? (o.metadata as Obj) : {};
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

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

export function age(o: Obj, now: Date): string {
  const ts = Date.parse(str(meta(o).creationTimestamp));
  return Number.isNaN(ts) ? '<unknown>' : humanDuration(now.getTime() - ts);
}

export function createdAt(o: Obj): string {
  const ts = Date.parse(str(meta(o).creationTimestamp));
  return Number.isNaN(ts) ? '' : `${new Date(ts).toISOString().slice(0, 19)}Z`;
}

/** A kind's table convertor (`printers.go`): its columns and the cells of one object. */
export interface Printer {
  readonly columns: readonly Column[];
  cells(o: Obj, now: Date): unknown[];
}

/** The default table convertor for anything without a printer: Name and Created At. */
export const DEFAULT_PRINTER: Printer = {
  columns: [NAME, CREATED_AT],
  cells: (o) => [str(meta(o).name), createdAt(o)],
};

/**
 * Renders objects with their kind's printer (the default one when the kind declares none) as a Table.
 * @throws StatusError 400 `unrecognized includeObject value: "x"`.
 * @example toTable(SECRET.table, [secret], { resourceVersion: '12' })
 */
export function toTable(
  printer: Printer | undefined,
  items: readonly Record<string, unknown>[],
  options: TableOptions = {},
): Record<string, unknown> {
  const include =
    options.includeObject === undefined || options.includeObject === '' ? 'Metadata' : options.includeObject;
  if (include !== 'None' && include !== 'Metadata' && include !== 'Object') {
    throw Statuses.badRequest(`unrecognized includeObject value: ${JSON.stringify(include)}`);
  }
  const now = options.now ?? new Date();
  const listMeta: Obj = {};
  if (options.resourceVersion) listMeta.resourceVersion = options.resourceVersion;
  if (options.continue) listMeta.continue = options.continue;
  if (options.remainingItemCount !== undefined) listMeta.remainingItemCount = options.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: options.noHeaders ? null : (printer ?? DEFAULT_PRINTER).columns,
    rows: items.map((o) => ({
      cells: (printer ?? DEFAULT_PRINTER).cells(o, now),
      object:
        include === 'None'
          ? null
          : include === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta(o) },
    })),
  };
}
