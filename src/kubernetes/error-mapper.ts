/**
 * @module kubernetes/error-mapper
 *
 * The one place that turns what client-node throws into an `OmsmError`. Nothing else
 * inspects raw client errors.
 *
 * client-node 1.4 throws `ApiException` whose `message` embeds the whole response body and headers
 * (kubernetes-client/javascript `src/gen/apis/exception.ts`), and whose `body` is the raw response
 * text (undefined for 401). So the mapper never copies `message`, `body` or `headers`: it parses the
 * Status for `reason`, `details.causes[].field` and the user name in a 403, keeps `Retry-After`, and
 * lets the catalogue own the wording. Transport failures (reset, refused, TLS, timeout) become
 * OMSM_ERR_SECRET_UNAVAILABLE marked retryable.
 *
 * Like apimachinery's `NewGenericServerResponse`, a 409 on create is AlreadyExists (the name is
 * taken) and any other 409 is Conflict (stale resourceVersion or precondition: re-read and retry).
 * Both use the catalogue code OMSM_ERR_SECRET_CONFLICT; `details.reason` tells them apart and
 * `isAlreadyExists` / `isStaleWrite` test it.
 */
import { asOmsmError, omsmError, type OmsmError } from '../core/errors.js';

/**
 * The Kubernetes verbs omsm uses on Secrets: the four of docs/contract.md#rbac, plus `list` for the optional
 * features that need it (`omsm secrets orphans`), so their 403s name the right verb.
 */
export type KubeVerb = 'create' | 'get' | 'update' | 'delete' | 'list';

export interface ErrorContext {
  readonly verb: KubeVerb;
  readonly namespace: string;
  /** Secret name, when the call names one. */
  readonly name?: string;
  /** Who we are, as `describeIdentity` tells it; used when the server's 403 does not say. */
  readonly identity: string;
  readonly secretId?: string;
  /** What the call is about when it is not a Secret (e.g. `a SelfSubjectReview`), for messages. */
  readonly subject?: string;
}

interface StatusBody {
  reason?: string;
  message?: string;
  details?: { kind?: string; causes?: { field?: string; reason?: string }[]; retryAfterSeconds?: number };
}

function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'object' && body !== null) return body as StatusBody;
  if (typeof body !== 'string' || body.length === 0 || body.length > 1_000_000) return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : {};
  } catch {
    return {};
  }
}

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? String(v[0]) : String(v);
  }
  return undefined;
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or the Status hint. */
export function retryAfterSeconds(headers: unknown, status: StatusBody = {}): number | undefined {
  const h = header(headers, 'retry-after');
  if (h !== undefined) {
    const n = Number(h);
    if (Number.isFinite(n) && n >= 0) return n;
    const at = Date.parse(h);
    if (Number.isFinite(at)) return Math.max(0, (at - Date.now()) / 1000);
  }
  const hint = status.details?.retryAfterSeconds;
  return typeof hint === 'number' && hint >= 0 ? hint : undefined;
}

/** The user name in a 403 message (`User "x" cannot ...`): a name, never a secret. */
function userFrom(message: string | undefined): string | undefined {
  const m = /User "([^"]{1,256})" cannot/.exec(message ?? '');
  return m?.[1];
}

function what(ctx: ErrorContext): string {
  if (ctx.subject) return ctx.subject;
  return ctx.name
    ? `Secret "${ctx.name}" in namespace "${ctx.namespace}"`
    : `Secrets in namespace "${ctx.namespace}"`;
}

/** The Role rule that grants `verb` on Secrets in `namespace`, as one line. */
export function rbacFix(verb: string, namespace: string): string {
  return `grant it with a Role in namespace "${namespace}" with rule {apiGroups: [""], resources: ["secrets"], verbs: ["${verb}"]} bound to that identity (\`omsm rbac\` prints the full Role and RoleBinding)`;
}

/**
 * Maps any error from a client-node call (or the transport under it) to an OmsmError.
 * Already-mapped OmsmErrors pass through. The result's `cause` is dropped on purpose for
 * ApiException (its message carries the body and headers).
 */
export function mapKubeError(err: unknown, ctx: ErrorContext): OmsmError {
  const known = asOmsmError(err);
  if (known) return known;
  const base = { secretName: ctx.name, secretId: ctx.secretId, namespace: ctx.namespace, verb: ctx.verb };
  const e = err as { code?: unknown; body?: unknown; headers?: unknown; name?: unknown; type?: unknown };
  if (typeof e?.code === 'number' && e.code >= 100 && e.code < 600) {
    return mapStatus(e.code, parseStatus(e.body), e.headers, ctx, base);
  }
  const code = transportCode(err);
  if (code === 'TIMEOUT') {
    return omsmError(
      'OMSM_ERR_SECRET_UNAVAILABLE',
      `the Kubernetes API did not answer in time (${ctx.verb} ${what(ctx)})`,
      { ...base, transport: code, retryable: true },
    );
  }
  // TLS and certificate problems do not heal by retrying; everything else on the wire may.
  const tls =
    code !== undefined && (code.includes('CERT') || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'));
  return omsmError(
    'OMSM_ERR_SECRET_UNAVAILABLE',
    tls
      ? `TLS with the Kubernetes API failed (${code}) for ${ctx.verb} ${what(ctx)}: check the cluster's certificate-authority`
      : `could not reach the Kubernetes API (${ctx.verb} ${what(ctx)}): ${code ?? 'connection failed'}`,
    { ...base, transport: code ?? 'unknown', retryable: !tls },
  );
}

/** A short, safe code for a transport failure (never the library's message). */
function transportCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e != null && depth < 5; depth++) {
    const x = e as { code?: unknown; name?: unknown; type?: unknown; cause?: unknown };
    if (x.name === 'AbortError' || x.name === 'TimeoutError' || x.type === 'aborted') return 'TIMEOUT';
    if (typeof x.code === 'string' && /^[A-Z0-9_]{3,60}$/.test(x.code)) return x.code;
    e = x.cause;
  }
  return undefined;
}

function mapStatus(
  status: number,
  body: StatusBody,
  headers: unknown,
  ctx: ErrorContext,
  base: Record<string, unknown>,
): OmsmError {
  const reason = typeof body.reason === 'string' ? body.reason : undefined;
  const d = { ...base, status, reason };
  switch (status) {
    case 401:
      return omsmError(
        'OMSM_ERR_SECRET_UNAUTHORIZED',
        `the Kubernetes API rejected the credentials of ${ctx.identity} (${ctx.verb} ${what(ctx)})`,
        { ...d, identity: ctx.identity },
      );
    case 403: {
      const user = userFrom(body.message) ?? ctx.identity;
      return omsmError(
        'OMSM_ERR_SECRET_FORBIDDEN',
        `${user} may not ${ctx.verb} ${what(ctx)}: ${rbacFix(ctx.verb, ctx.namespace)}`,
        { ...d, identity: user },
      );
    }
    case 404:
      // A create into a namespace that does not exist answers 404 about the namespace.
      if (body.details?.kind === 'namespaces') {
        return omsmError(
          'OMSM_ERR_SECRET_NOT_FOUND',
          `namespace "${ctx.namespace}" does not exist: create it, or set parameters.namespace (OM_SM_NAMESPACE)`,
          { ...d, path: 'secretsManagerConfiguration.parameters.namespace' },
        );
      }
      return omsmError('OMSM_ERR_SECRET_NOT_FOUND', `${what(ctx)} does not exist`, d);
    case 409:
      if (ctx.verb === 'create' || reason === 'AlreadyExists') {
        return omsmError('OMSM_ERR_SECRET_CONFLICT', `${what(ctx)} already exists`, {
          ...d,
          reason: 'AlreadyExists',
        });
      }
      return omsmError(
        'OMSM_ERR_SECRET_CONFLICT',
        `${what(ctx)} was changed by another writer during the ${ctx.verb}`,
        { ...d, reason: 'Conflict' },
      );
    case 413:
      return omsmError(
        'OMSM_ERR_SECRET_TOO_LARGE',
        `the Kubernetes API refused ${what(ctx)} as too large`,
        d,
      );
    case 400:
    case 422: {
      const fields = (body.details?.causes ?? [])
        .map((c) => (typeof c.field === 'string' ? c.field : ''))
        .filter((f) => f !== '' && f.length < 300);
      const on = fields.length > 0 ? ` (fields: ${[...new Set(fields)].join(', ')})` : '';
      return omsmError('OMSM_ERR_SECRET_INVALID', `the Kubernetes API rejected ${what(ctx)}${on}`, {
        ...d,
        fields,
      });
    }
    default: {
      const retryable = status === 429 || status >= 500;
      const after = retryAfterSeconds(headers, body);
      return omsmError(
        'OMSM_ERR_SECRET_UNAVAILABLE',
        status === 429
          ? `the Kubernetes API is throttling requests (${ctx.verb} ${what(ctx)})`
          : `the Kubernetes API answered ${status} (${ctx.verb} ${what(ctx)})`,
        { ...d, retryable, ...(after !== undefined ? { retryAfterSeconds: after } : {}) },
      );
    }
  }
}

/** True for a create that found the name taken (409 AlreadyExists). */
export function isAlreadyExists(err: unknown): boolean {
  const e = asOmsmError(err);
  return e?.code === 'OMSM_ERR_SECRET_CONFLICT' && e.details.reason === 'AlreadyExists';
}

/** True for an update or delete whose resourceVersion/precondition was stale (409 Conflict). */
export function isStaleWrite(err: unknown): boolean {
  const e = asOmsmError(err);
  return e?.code === 'OMSM_ERR_SECRET_CONFLICT' && e.details.reason === 'Conflict';
}

/** True when retrying the same request may succeed (429, 5xx, dropped connection, timeout). */
export function isRetryable(err: unknown): boolean {
  return asOmsmError(err)?.details.retryable === true;
}
