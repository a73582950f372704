/**
 * @module kubernetes/access-check
 *
 * The start-up self-check: one SelfSubjectAccessReview per verb the provider needs on Secrets in
 * its namespace (create, get, update, delete; `get` only when read-only). Needs no permission
 * beyond what every authenticated user has (`system:basic-user`).
 *
 * Three states (external-secrets `Validate()`): Ready (every verb allowed), Error (a verb is denied:
 * the result names each missing verb and the Role that grants it), Unknown (a review could not be
 * made or evaluated). "Could not tell" is never reported as Ready.
 */
import type { AccessState } from '../core/providers/provider.js';
import type { KubeVerb } from './error-mapper.js';
import type { AccessReviewApi } from './secrets-api.js';

export const WRITE_VERBS: readonly KubeVerb[] = ['create', 'get', 'update', 'delete'];
export const READ_VERBS: readonly KubeVerb[] = ['get'];

export interface AccessCheckResult {
  readonly state: AccessState;
  readonly namespace: string;
  readonly identity: string;
  readonly allowed: readonly KubeVerb[];
  readonly missing: readonly KubeVerb[];
  /** Verbs whose review failed or could not be evaluated. */
  readonly unknown: readonly KubeVerb[];
  /** One line for logs and `omsm doctor`. */
  readonly message: string;
  /** When verbs are missing: a Role + RoleBinding manifest that grants them. */
  readonly fix?: string;
}

/**
 * Reviews every verb in parallel. Never throws: failures become `Unknown`.
 */
export async function checkAccess(
  api: AccessReviewApi,
  params: {
    namespace: string;
    identity: string;
    verbs: readonly KubeVerb[];
    signal?: AbortSignal;
  },
): Promise<AccessCheckResult> {
  const { namespace, identity, verbs } = params;
  const outcomes = await Promise.all(
    verbs.map(async (verb) => {
      try {
        const r = await api.canI(namespace, verb, { signal: params.signal });
        if (r.allowed) return { verb, state: 'allowed' as const };
        // An evaluation error without a decision means the authorizer could not tell.
        if (r.evaluationError && !r.denied) return { verb, state: 'unknown' as const };
        return { verb, state: 'denied' as const };
      } catch {
        return { verb, state: 'unknown' as const };
      }
    }),
  );
  const pick = (s: string) => outcomes.filter((o) => o.state === s).map((o) => o.verb);
  const allowed = pick('allowed');
  const missing = pick('denied');
  const unknown = pick('unknown');
  const where = `Secrets in namespace "${namespace}"`;
  if (missing.length > 0) {
    return {
      state: 'Error',
      namespace,
      identity,
      allowed,
      missing,
      unknown,
      message: `${identity} may not ${missing.join(', ')} ${where}; apply a Role granting ${missing.join(', ')} (see fix)`,
      fix: roleManifest(namespace, verbs, identity),
    };
  }
  if (unknown.length > 0) {
    return {
      state: 'Unknown',
      namespace,
      identity,
      allowed,
      missing,
      unknown,
      message: `could not check whether ${identity} may ${unknown.join(', ')} ${where} (SelfSubjectAccessReview failed); the first call will tell`,
    };
  }
  return {
    state: 'Ready',
    namespace,
    identity,
    allowed,
    missing,
    unknown,
    message: `${identity} may ${allowed.join(', ')} ${where}`,
  };
}

/**
 * The documented Role and RoleBinding (docs/contract.md#rbac) for `verbs` on Secrets in `namespace`. The subject is a
 * ServiceAccount when the identity names one (`system:serviceaccount:<ns>:<name>`), else a
 * placeholder to fill in.
 */
export function roleManifest(namespace: string, verbs: readonly string[], identity = ''): string {
  const sa = /system:serviceaccount:([a-z0-9.-]+):([a-z0-9.-]+)/.exec(identity);
  const subject = sa
    ? `  - kind: ServiceAccount\n    name: ${sa[2]}\n    namespace: ${sa[1]}`
    : '  - kind: ServiceAccount\n    name: <service-account>\n    namespace: <om-namespace>';
  return [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: Role',
    'metadata:',
    '  name: openmetadata-secrets-role',
    `  namespace: ${namespace}`,
    'rules:',
    '  - apiGroups: [""]',
    '    resources: ["secrets"]',
    `    verbs: [${verbs.map((v) => `"${v}"`).join(', ')}]`,
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: RoleBinding',
    'metadata:',
    '  name: openmetadata-secrets-rb',
    `  namespace: ${namespace}`,
    'subjects:',
    subject,
    'roleRef:',
    '  apiGroup: rbac.authorization.k8s.io',
    '  kind: Role',
    '  name: openmetadata-secrets-role',
    '',
  ].join('\n');
}
