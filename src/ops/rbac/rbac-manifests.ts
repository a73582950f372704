/**
 * @module ops/rbac/rbac-manifests
 *
 * The RBAC of docs/contract.md#rbac as data: the server's ServiceAccount, a Role with exactly create/get/update/
 * delete on Secrets in the secrets namespace and its RoleBinding; optionally a get-only Role and
 * binding for a separate ingestion ServiceAccount, and the opt-in `list` Role that orphan reports
 * need (kept separate because `list` exposes every Secret's value).
 *
 * Pure: options in, Kubernetes objects out. `renderManifests` makes the multi-document YAML that
 * `kubectl apply -f -` takes.
 */
import { stringify } from 'yaml';
import { validationError, type ValidationIssue } from '../../core/errors.js';
import { isValidSecretName } from '../../core/naming/secret-name.js';

/** The names the contract (docs/contract.md) uses; operators may rename the ServiceAccounts, not the Roles. */
export const RBAC_NAMES = {
  serverSa: 'openmetadata-secrets-sa',
  serverRole: 'openmetadata-secrets-role',
  serverBinding: 'openmetadata-secrets-rb',
  ingestionRole: 'openmetadata-secrets-read-role',
  ingestionBinding: 'openmetadata-secrets-read-rb',
  listRole: 'openmetadata-secrets-list-role',
  listBinding: 'openmetadata-secrets-list-rb',
} as const;

/** Verbs per component, as the contract's table lists them. */
export const SERVER_VERBS = ['create', 'get', 'update', 'delete'] as const;
export const INGESTION_VERBS = ['get'] as const;
export const LIST_VERBS = ['list'] as const;

export interface RbacOptions {
  /** Namespace the Secrets live in (`parameters.namespace`). */
  readonly secretsNamespace: string;
  /** Namespace of the server's ServiceAccount; default the secrets namespace. */
  readonly serverNamespace?: string;
  /** The server's ServiceAccount; default `openmetadata-secrets-sa`. */
  readonly serverSa?: string;
  /** A separate ingestion ServiceAccount: when set, a get-only Role is bound to it. */
  readonly ingestionSa?: string;
  /** Namespace of the ingestion ServiceAccount; default the secrets namespace. */
  readonly ingestionNamespace?: string;
  /** Also print the `list` Role (bound to the server SA) that `omsm secrets orphans` needs. */
  readonly withList?: boolean;
}

export type K8sObject = Record<string, unknown>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function check(opts: RbacOptions): void {
  const issues: ValidationIssue[] = [];
  const ns = (path: string, v: string | undefined): void => {
    if (v !== undefined && (v.length > 63 || !DNS1123_LABEL.test(v))) {
      issues.push({
        path,
        code: 'invalid_namespace',
        message: `"${v}" is not a valid namespace name`,
        fix: 'Use lowercase letters, digits and -, at most 63 characters.',
      });
    }
  };
  const sa = (path: string, v: string | undefined): void => {
    if (v !== undefined && !isValidSecretName(v)) {
      issues.push({
        path,
        code: 'invalid_name',
        message: `"${v}" is not a valid ServiceAccount name`,
        fix: 'Use a DNS-1123 subdomain: lowercase letters, digits, - and .',
      });
    }
  };
  ns('--secrets-namespace', opts.secretsNamespace);
  ns('--server-namespace', opts.serverNamespace);
  ns('--ingestion-namespace', opts.ingestionNamespace);
  sa('--server-sa', opts.serverSa);
  sa('--ingestion-sa', opts.ingestionSa);
  if (issues.length > 0) throw validationError('OMSM_ERR_USAGE', issues);
}

function role(name: string, namespace: string, verbs: readonly string[]): K8sObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: [...verbs] }],
  };
}

function binding(
  name: string,
  namespace: string,
  roleName: string,
  sa: string,
  saNamespace: string,
): K8sObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace },
    subjects: [{ kind: 'ServiceAccount', name: sa, namespace: saNamespace }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
  };
}

function serviceAccount(name: string, namespace: string): K8sObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } };
}

/**
 * The RBAC objects for the given layout, in apply order (ServiceAccounts before the bindings that
 * name them). When server and secrets namespaces are the same, everything lands in one namespace.
 * @throws OmsmError OMSM_ERR_USAGE when a namespace or ServiceAccount name is invalid.
 * @example rbacObjects({ secretsNamespace: 'default' }).map((o) => o.kind)
 *   // ['ServiceAccount', 'Role', 'RoleBinding']
 */
export function rbacObjects(opts: RbacOptions): K8sObject[] {
  check(opts);
  const secretsNs = opts.secretsNamespace;
  const serverNs = opts.serverNamespace ?? secretsNs;
  const serverSa = opts.serverSa ?? RBAC_NAMES.serverSa;
  const out: K8sObject[] = [
    serviceAccount(serverSa, serverNs),
    role(RBAC_NAMES.serverRole, secretsNs, SERVER_VERBS),
    binding(RBAC_NAMES.serverBinding, secretsNs, RBAC_NAMES.serverRole, serverSa, serverNs),
  ];
  if (opts.ingestionSa !== undefined && opts.ingestionSa !== '') {
    const ingNs = opts.ingestionNamespace ?? secretsNs;
    // The same ServiceAccount for both would only widen nothing; still print its own SA object
    // unless it is the server's (kubectl apply of an existing SA only adds an annotation).
    if (!(opts.ingestionSa === serverSa && ingNs === serverNs))
      out.push(serviceAccount(opts.ingestionSa, ingNs));
    out.push(
      role(RBAC_NAMES.ingestionRole, secretsNs, INGESTION_VERBS),
      binding(RBAC_NAMES.ingestionBinding, secretsNs, RBAC_NAMES.ingestionRole, opts.ingestionSa, ingNs),
    );
  }
  if (opts.withList) {
    out.push(
      role(RBAC_NAMES.listRole, secretsNs, LIST_VERBS),
      binding(RBAC_NAMES.listBinding, secretsNs, RBAC_NAMES.listRole, serverSa, serverNs),
    );
  }
  return out;
}

/** Multi-document YAML for `kubectl apply -f -`, with a header saying what each part is for. */
export function renderManifests(objects: readonly K8sObject[], header?: string): string {
  const head = header
    ? `${header
        .split('\n')
        .map((l) => `# ${l}`.trimEnd())
        .join('\n')}\n`
    : '';
  return head + objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}
