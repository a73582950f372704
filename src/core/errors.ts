/**
 * @module core/errors
 *
 * The one error catalogue of omsm. Every error a user can see is an `OmsmError` whose `code` is a
 * key of `ERRORS`; the entry fixes its HTTP status, its CLI exit code, its kind (what a caller may
 * branch on) and the "how to fix" line that `docs/errors.md` repeats (a test keeps them in sync).
 *
 * Call sites pass facts (a secret name, a field path, a verb), never free text and never a secret
 * value: the catalogue owns the wording. Raw errors from libraries (client-node, SQL drivers) are
 * translated once, at the boundary that meets them, into one of these.
 */

/** What a caller may branch on. Retry policies look at `kind` plus `retryAfterSeconds`. */
export type ErrorKind =
  | 'invalid' // bad input or config; nothing was changed
  | 'not_found'
  | 'conflict' // name taken, stale version, or a Secret that is not ours
  | 'forbidden' // authenticated but not allowed (RBAC, API role)
  | 'unauthorized' // no or bad credentials
  | 'unavailable' // backend down, timeout, 429/5xx after retries
  | 'internal';

interface ErrorSpec {
  readonly kind: ErrorKind;
  readonly status: number;
  /** CLI exit code: 2 usage/config (nothing changed), 1 runtime failure. */
  readonly exit: 1 | 2;
  readonly fix: string;
}

function spec(kind: ErrorKind, status: number, exit: 1 | 2, fix: string): ErrorSpec {
  return { kind, status, exit, fix };
}

/**
 * The catalogue. Keys are the codes. Grouped by area; codes are never reused or renamed.
 * When adding one, add a row to docs/errors.md (the catalogue test fails otherwise).
 */
export const ERRORS = {
  // --- usage and configuration ---
  OMSM_ERR_USAGE: spec('invalid', 400, 2, 'Run the command with --help and correct the arguments.'),
  OMSM_ERR_CONFIG_FILE: spec(
    'invalid',
    400,
    2,
    'Check the path given with -c/--config and that it is readable.',
  ),
  OMSM_ERR_CONFIG_UNDEFINED_VAR: spec(
    'invalid',
    400,
    2,
    'Export the variable, or give it a default in the file: ${VAR:-default}.',
  ),
  OMSM_ERR_CONFIG_INVALID: spec(
    'invalid',
    400,
    2,
    'Correct the key named in the message; see conf/openmetadata.yaml.',
  ),
  OMSM_ERR_CONFIG_PROVIDER: spec(
    'invalid',
    400,
    2,
    'Set secretsManagerConfiguration.secretsManager (env SECRET_MANAGER) to db, in-memory or kubernetes.',
  ),

  // --- secret ids, names and references ---
  OMSM_ERR_NAME_EMPTY: spec('invalid', 400, 2, 'Give parts that contain at least one letter or digit.'),
  OMSM_ERR_NAME_INVALID: spec(
    'invalid',
    400,
    2,
    'Use a DNS-1123 subdomain: lowercase letters, digits, - and .',
  ),
  OMSM_ERR_REFERENCE_INVALID: spec('invalid', 400, 2, 'A reference is secret:<kubernetes-name>.'),

  // --- connection JSON Schemas ---
  OMSM_ERR_SCHEMA_UNKNOWN: spec(
    'invalid',
    400,
    2,
    'Use a schema name listed by the error (file names under schemas/ and schemaDirs, without .json), or add the schema file to a directory in OM_SCHEMA_DIRS.',
  ),
  OMSM_ERR_SCHEMA_INVALID: spec(
    'invalid',
    400,
    2,
    'Fix the named schema file: it must be valid JSON and every $ref must point at an existing file and definition.',
  ),

  // --- crypto (db provider) ---
  OMSM_ERR_FERNET_KEY: spec(
    'invalid',
    400,
    2,
    'Set fernetConfiguration.fernetKey (env FERNET_KEY) to 32 bytes in base64, or a comma-separated list of them.',
  ),
  OMSM_ERR_FERNET_TOKEN: spec(
    'invalid',
    400,
    1,
    'The value was encrypted with another key: add the old key after the new one in FERNET_KEY.',
  ),

  // --- secret storage (every provider) ---
  OMSM_ERR_SECRET_NOT_FOUND: spec(
    'not_found',
    404,
    1,
    'Create the Secret, or run `omsm secrets orphans` to find references whose Secret is missing.',
  ),
  OMSM_ERR_SECRET_NOT_OURS: spec(
    'conflict',
    409,
    1,
    'The Secret exists but is not managed by omsm for this id; rename the entity or remove the foreign Secret yourself.',
  ),
  OMSM_ERR_SECRET_FOREIGN_REFERENCE: spec(
    'invalid',
    400,
    2,
    "Send the password itself (omsm stores it in the field's own Secret), or the mask to keep the stored value; a reference to another Secret is never stored.",
  ),
  OMSM_ERR_SECRET_FOREIGN: spec(
    'forbidden',
    403,
    1,
    "Reference the field's own Secret (what omsm's server stores for it); to use a value kept elsewhere, send it to the server, which stores it in the field's own Secret.",
  ),
  OMSM_ERR_SECRET_CONFLICT: spec('conflict', 409, 1, 'Another writer changed the Secret; retry the request.'),
  OMSM_ERR_SECRET_TOO_LARGE: spec(
    'invalid',
    400,
    2,
    'Kubernetes Secrets hold at most 1 MiB; store a smaller value.',
  ),
  OMSM_ERR_SECRET_INVALID: spec(
    'invalid',
    400,
    2,
    'The backend rejected the Secret; correct the named field.',
  ),
  OMSM_ERR_SECRET_FORBIDDEN: spec(
    'forbidden',
    403,
    1,
    'Grant the verb with the Role printed by `omsm rbac`, then `kubectl apply -f` it.',
  ),
  OMSM_ERR_SECRET_UNAUTHORIZED: spec(
    'unauthorized',
    401,
    1,
    'The Kubernetes credentials were rejected: check the kubeconfig user or the ServiceAccount token.',
  ),
  OMSM_ERR_SECRET_UNAVAILABLE: spec(
    'unavailable',
    503,
    1,
    'Check that the Kubernetes API server is reachable from here (`omsm doctor`).',
  ),
  OMSM_ERR_SECRET_READ_ONLY: spec(
    'forbidden',
    403,
    1,
    'This provider was opened read-only; writes belong to the server.',
  ),
  OMSM_ERR_SECRET_UNRESOLVED: spec(
    'not_found',
    404,
    1,
    'Run `omsm ingestion check` to see which references fail and why; fix the Secret or the namespace.',
  ),

  // --- kubernetes connection ---
  OMSM_ERR_KUBE_CONFIG: spec(
    'invalid',
    400,
    2,
    'Set parameters.kubeconfigPath (OM_SM_KUBECONFIG_PATH) or inCluster (OM_SM_IN_CLUSTER=true).',
  ),
  OMSM_ERR_KUBE_ACCESS: spec(
    'forbidden',
    403,
    1,
    'Apply the Role printed by `omsm rbac` to the identity named.',
  ),

  // --- server API ---
  OMSM_ERR_API_UNAUTHORIZED: spec(
    'unauthorized',
    401,
    1,
    'Send Authorization: Bearer <token>; `omsm token admin` mints one.',
  ),
  OMSM_ERR_API_FORBIDDEN: spec('forbidden', 403, 1, 'Use a token whose role may call this endpoint (admin).'),
  OMSM_ERR_API_NOT_FOUND: spec(
    'not_found',
    404,
    1,
    'Check the id or name; list the collection to see what exists.',
  ),
  OMSM_ERR_API_CONFLICT: spec(
    'conflict',
    409,
    1,
    'The entity already exists or changed meanwhile; use PUT or retry.',
  ),
  OMSM_ERR_API_INVALID: spec(
    'invalid',
    400,
    2,
    'Correct the field named in the message; see the OpenAPI document.',
  ),
  OMSM_ERR_DB_UNAVAILABLE: spec(
    'unavailable',
    503,
    1,
    'Check the database settings (DB_SCHEME, DB_HOST, DB_PORT).',
  ),
  OMSM_ERR_SERVER_LISTEN: spec(
    'unavailable',
    503,
    1,
    'Choose a free port and an address of this host: server.port / server.host (SERVER_PORT, SERVER_HOST) or --port / --host; ports below 1024 need privileges.',
  ),

  // --- ingestion ---
  OMSM_ERR_LOADER_CONFIG: spec(
    'invalid',
    400,
    2,
    'Fix the loader setting named (airflow.cfg [openmetadata_secrets_manager] or KUBERNETES_* env vars).',
  ),

  // --- operations ---
  OMSM_ERR_MIGRATE_FAILED: spec(
    'internal',
    500,
    1,
    'Read the report; fix the failed items and run the migration again.',
  ),
  OMSM_ERR_MIGRATE_VERIFY: spec(
    'conflict',
    409,
    1,
    'The target did not return the value (or returned another); the database field was not rewritten. Check the target and run the migration again.',
  ),
  OMSM_ERR_MIGRATE_TARGET_NOT_DURABLE: spec(
    'invalid',
    400,
    2,
    'Migrate to a provider that keeps secrets after the process exits: set secretsManagerConfiguration.secretsManager (SECRET_MANAGER) in the -c config to kubernetes or db.',
  ),

  OMSM_ERR_INTERNAL: spec(
    'internal',
    500,
    1,
    'This is a bug in omsm; report it with the command and the error code.',
  ),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** Facts attached to an error. Never a secret value. */
export interface ErrorDetails {
  /** Kubernetes Secret name or `secret:` reference the error is about. */
  readonly secretName?: string;
  /** Logical id (unsanitized path) of the secret. */
  readonly secretId?: string;
  /** Dotted path of the field or config key at fault. */
  readonly path?: string;
  readonly namespace?: string;
  readonly verb?: string;
  readonly identity?: string;
  /** Seconds the backend asked us to wait (429 Retry-After, AlreadyExists generateName). */
  readonly retryAfterSeconds?: number;
  /** For validation errors: one entry per problem. */
  readonly issues?: readonly ValidationIssue[];
  readonly [key: string]: unknown;
}

/** One validation problem: where, what, and how to fix. Never the offending secret value. */
export interface ValidationIssue {
  readonly path: string;
  readonly code: string;
  readonly message: string;
  readonly fix?: string;
}

/**
 * The base of every error omsm raises on purpose. `message` is safe to print and to return in an
 * API response body (below 500); it never contains a secret value.
 */
export class OmsmError extends Error {
  override readonly name = 'OmsmError';
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly httpStatus: number;
  readonly exitCode: 1 | 2;
  readonly fix: string;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    const s = ERRORS[code];
    this.code = code;
    this.kind = s.kind;
    this.httpStatus = s.status;
    this.exitCode = s.exit;
    this.fix = s.fix;
    this.details = details;
    errorObserver?.(this);
  }

  /** JSON for API bodies and `--output json`: code, message, fix and details; never `cause`. */
  toJSON(): { code: ErrorCode; message: string; fix: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, fix: this.fix, details: this.details };
  }
}

let errorObserver: ((err: OmsmError) => void) | undefined;

/**
 * Test hook: `fn` sees every OmsmError as it is created. The test suite's leak guard uses it to
 * prove no error message or detail ever carries a secret value. Not for product code.
 */
export function observeErrors(fn: ((err: OmsmError) => void) | undefined): void {
  errorObserver = fn;
}

/** Build an error from the catalogue. */
export function omsmError(
  code: ErrorCode,
  message: string,
  details?: ErrorDetails,
  cause?: unknown,
): OmsmError {
  return new OmsmError(code, message, details, cause === undefined ? undefined : { cause });
}

/** A config or input validation error carrying a list of issues. */
export function validationError(code: ErrorCode, issues: readonly ValidationIssue[]): OmsmError {
  const lines = issues.map((i) => `${i.path || '(root)'}: ${i.message}${i.fix ? ` (${i.fix})` : ''}`);
  const message = issues.length === 1 ? lines[0]! : `${issues.length} problems:\n  ${lines.join('\n  ')}`;
  // `path` names the (first) field at fault, as every other 400 does; `issues` lists them all.
  const path = issues[0]?.path;
  return new OmsmError(code, message, path ? { path, issues } : { issues });
}

/** Finds the first OmsmError in `err` or its `cause` chain. Nil-safe. */
export function asOmsmError(err: unknown): OmsmError | undefined {
  let e: unknown = err;
  for (let depth = 0; e != null && depth < 10; depth++) {
    if (e instanceof OmsmError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function isKind(kind: ErrorKind): (err: unknown) => boolean {
  return (err) => asOmsmError(err)?.kind === kind;
}

/** Predicates: see through `cause`, false for null/undefined and foreign errors. */
export const isNotFound = isKind('not_found');
export const isConflict = isKind('conflict');
export const isForbidden = isKind('forbidden');
export const isUnauthorized = isKind('unauthorized');
export const isInvalid = isKind('invalid');
export const isUnavailable = isKind('unavailable');
