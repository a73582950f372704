/**
 * @module emulator/status
 *
 * metav1.Status bodies exactly as kube-apiserver v1.32 writes them: key order of the Go struct
 * (kind, apiVersion, metadata, status, message, reason, details, code), message templates of
 * apimachinery `pkg/api/errors/errors.go`. Every error the emulator answers is built here, so the
 * wording lives in one place.
 */

export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

export interface Status {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: string;
  readonly details?: StatusDetails;
  readonly code?: number;
}

/** An error the HTTP layer renders as `code` + Status body (plus optional extra headers). */
export class StatusError extends Error {
  constructor(
    readonly status: Status,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(status.message ?? status.reason ?? 'error');
  }
  get code(): number {
    return this.status.code ?? 500;
  }
}

function details(d: StatusDetails): StatusDetails {
  // Go struct order: name, group, kind, uid, causes, retryAfterSeconds; empty fields omitted.
  const out: Record<string, unknown> = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes && d.causes.length > 0) {
    out.causes = d.causes.map((c) => (c.field === undefined ? { reason: c.reason, message: c.message } : c));
  }
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out as StatusDetails;
}

export function failure(code: number, reason: string, message: string, d?: StatusDetails): Status {
  const s: Record<string, unknown> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
  };
  if (reason) s.reason = reason;
  if (d) s.details = details(d);
  s.code = code;
  return s as unknown as Status;
}

export function success(d: StatusDetails): Status {
  // Delete responses: no message, no reason, and no code (kube writes none for success).
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: details(d) };
}

/** `resource` is the plural resource with group suffix for non-core (`roles.rbac.authorization.k8s.io`). */
function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const Statuses = {
  notFound(resource: string, name: string, group = ''): StatusError {
    return new StatusError(
      failure(404, 'NotFound', `${qualified(resource, group)} "${name}" not found`, {
        name,
        group,
        kind: resource,
      }),
    );
  },
  alreadyExists(resource: string, name: string, group = ''): StatusError {
    return new StatusError(
      failure(409, 'AlreadyExists', `${qualified(resource, group)} "${name}" already exists`, {
        name,
        group,
        kind: resource,
      }),
    );
  },
  generateNameConflict(resource: string, name: string, group = ''): StatusError {
    return new StatusError(
      failure(
        409,
        'AlreadyExists',
        `${qualified(resource, group)} "${name}" already exists, the server was not able to generate a unique name for the object`,
        { name, group, kind: resource, retryAfterSeconds: 1 },
      ),
    );
  },
  conflict(resource: string, name: string, group = ''): StatusError {
    return new StatusError(
      failure(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group, kind: resource },
      ),
    );
  },
  /** Failed uid/resourceVersion precondition (delete or update with preconditions). */
  preconditionFailed(
    resource: string,
    namespace: string,
    name: string,
    what: 'UID' | 'ResourceVersion',
    want: string,
    got: string,
    group = '',
  ): StatusError {
    const key = `/registry/${group ? `${group}/` : ''}${resource}/${namespace ? `${namespace}/` : ''}${name}`;
    return new StatusError(
      failure(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: ${what} in precondition: ${want}, ${what} in object meta: ${got}`,
        { name, group, kind: resource },
      ),
    );
  },
  /**
   * 422 Invalid. `kind` is the Kind (`Secret`), not the resource. `causes[].message` is the
   * field.Error body (`Invalid value: "x": detail`); the aggregate message prefixes each with its
   * field and brackets them when there are several.
   */
  invalid(kind: string, name: string, causes: readonly StatusCause[], group = ''): StatusError {
    const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    const body = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
    const qualifiedKind = group ? `${kind}.${group}` : kind;
    return new StatusError(
      failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${body}`, {
        name,
        group,
        kind,
        causes,
      }),
    );
  },
  badRequest(message: string): StatusError {
    return new StatusError(failure(400, 'BadRequest', message));
  },
  unauthorized(): StatusError {
    return new StatusError(failure(401, 'Unauthorized', 'Unauthorized'));
  },
  /** RBAC denial for a resource request (message format of responsewriters/errors.go forbiddenMessage). */
  forbidden(attrs: {
    user: string;
    verb: string;
    resource: string;
    subresource?: string;
    group: string;
    namespace?: string;
    name?: string;
    reason?: string;
  }): StatusError {
    const res = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    const subject = `${qualified(attrs.resource, attrs.group)}${attrs.name ? ` "${attrs.name}"` : ''}`;
    const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
    let message = `${subject} is forbidden: User "${attrs.user}" cannot ${attrs.verb} resource "${res}" in API group "${attrs.group}" ${scope}`;
    if (attrs.reason) message += `: ${attrs.reason}`;
    return new StatusError(
      failure(403, 'Forbidden', escapeHtml(message), {
        name: attrs.name,
        group: attrs.group,
        kind: attrs.resource,
      }),
    );
  },
  /** RBAC denial for a non-resource URL: no details. */
  forbiddenPath(user: string, verb: string, path: string): StatusError {
    return new StatusError(
      failure(403, 'Forbidden', escapeHtml(`forbidden: User "${user}" cannot ${verb} path "${path}"`)),
    );
  },
  methodNotSupported(resource: string, verb: string): StatusError {
    return new StatusError(
      failure(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${resource}"`, {
        kind: resource,
      }),
    );
  },
  unsupportedMediaType(accepted: readonly string[]): StatusError {
    return new StatusError(
      failure(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      ),
    );
  },
  requestEntityTooLarge(limit: number): StatusError {
    return new StatusError(
      failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`),
    );
  },
  /** 410 for an expired continue token. */
  expired(message: string): StatusError {
    return new StatusError(failure(410, 'Expired', message));
  },
  tooManyRequests(retryAfterSeconds: number): StatusError {
    return new StatusError(
      failure(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds }),
      { 'Retry-After': String(retryAfterSeconds) },
    );
  },
  internal(message: string): StatusError {
    return new StatusError(failure(500, 'InternalError', `Internal error occurred: ${message}`));
  },
  serviceUnavailable(): StatusError {
    return new StatusError(
      failure(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
    );
  },
} as const;

/** Go's html.EscapeString subset that apiserver applies to Forbidden messages. */
function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** field.Error body: `<Type>: <quoted value>: <detail>` as apimachinery renders it. */
export function fieldErrorMessage(type: FieldErrorType, value: unknown, detail?: string): string {
  const showValue =
    type === 'Invalid value' ||
    type === 'Unsupported value' ||
    type === 'Duplicate value' ||
    type === 'Not found';
  let s: string = type;
  if (showValue) s += `: ${renderValue(value)}`;
  if (detail) s += `: ${detail}`;
  return s;
}

export type FieldErrorType =
  | 'Required value'
  | 'Invalid value'
  | 'Forbidden'
  | 'Too long'
  | 'Unsupported value'
  | 'Duplicate value'
  | 'Not found';

export const FIELD_REASON: Record<FieldErrorType, string> = {
  'Required value': 'FieldValueRequired',
  'Invalid value': 'FieldValueInvalid',
  Forbidden: 'FieldValueForbidden',
  'Too long': 'FieldValueTooLong',
  'Unsupported value': 'FieldValueNotSupported',
  'Duplicate value': 'FieldValueDuplicate',
  'Not found': 'FieldValueNotFound',
};

/** One validation error as a Status cause. */
export function fieldCause(
  type: FieldErrorType,
  field: string,
  value: unknown,
  detail?: string,
): StatusCause {
  return { reason: FIELD_REASON[type], message: fieldErrorMessage(type, value, detail), field };
}

function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
