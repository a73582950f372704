/**
 * @module emulator/rbac
 *
 * RBAC authorization as kube-apiserver evaluates it (plugin/pkg/auth/authorizer/rbac): rules from
 * ClusterRoleBindings everywhere plus RoleBindings of the request namespace, verb/apiGroup/
 * resource[/subresource]/resourceName matching, non-resource URL prefixes, the system:masters
 * bypass, and the "RBAC: role... not found" reason when a binding points nowhere. Also the
 * bootstrap ClusterRoles/Bindings seeded at first start.
 */
import type { UserInfo } from './auth.js';
import { nowTimestamp, type Obj, resourceFor } from './resources.js';
import type { Store } from './store.js';

export interface Attributes {
  readonly user: UserInfo;
  readonly verb: string;
  readonly resourceRequest: boolean;
  readonly path: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
}

export interface PolicyRule {
  readonly verbs?: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface Decision {
  readonly allowed: boolean;
  readonly reason: string;
}

interface SourcedRule {
  readonly rule: PolicyRule;
  readonly source: string;
}

interface RuleSet {
  readonly rules: SourcedRule[];
  readonly errors: string[];
}

const RBAC = 'rbac.authorization.k8s.io';
const defs = {
  role: resourceFor(RBAC, 'v1', 'roles')!,
  clusterRole: resourceFor(RBAC, 'v1', 'clusterroles')!,
  roleBinding: resourceFor(RBAC, 'v1', 'rolebindings')!,
  clusterRoleBinding: resourceFor(RBAC, 'v1', 'clusterrolebindings')!,
};

const has = (list: readonly string[] | undefined, v: string): boolean =>
  !!list && (list.includes('*') || list.includes(v));

export function ruleAllows(a: Omit<Attributes, 'user'>, rule: PolicyRule): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) {
    return (rule.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))),
    );
  }
  if (!has(rule.apiGroups, a.group)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resOk = (rule.resources ?? []).some(
    (r) =>
      r === '*' ||
      r === combined ||
      (a.subresource !== '' &&
        r.length === a.subresource.length + 2 &&
        r.startsWith('*/') &&
        r.endsWith(a.subresource)),
  );
  if (!resOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(a.name);
}

function describeSubject(s: Obj, bindingNs: string): string {
  if (s.kind === 'ServiceAccount')
    return `ServiceAccount "${s.name}/${(s.namespace as string) || bindingNs}"`;
  return `${s.kind} "${s.name}"`;
}

function appliesTo(user: UserInfo, subjects: unknown, bindingNs: string): Obj | undefined {
  if (!Array.isArray(subjects)) return undefined;
  for (const s of subjects as Obj[]) {
    switch (s.kind) {
      case 'User':
        if (s.name === user.username) return s;
        break;
      case 'Group':
        if (user.groups.includes(s.name as string)) return s;
        break;
      case 'ServiceAccount': {
        const ns = (s.namespace as string) || bindingNs;
        if (user.username === `system:serviceaccount:${ns}:${s.name}`) return s;
        break;
      }
    }
  }
  return undefined;
}

export class Authorizer {
  private cache = new Map<string, RuleSet>();

  constructor(private readonly store: Store) {
    for (const d of Object.values(defs)) store.subscribe(d, () => this.cache.clear());
  }

  private roleRules(roleRef: Obj, bindingNs: string): PolicyRule[] | string {
    const name = roleRef?.name as string;
    if (roleRef?.kind === 'ClusterRole') {
      const e = this.store.get(defs.clusterRole, undefined, name);
      if (!e) return `clusterrole.rbac.authorization.k8s.io "${name}" not found`;
      return (e.obj.rules as PolicyRule[] | null) ?? [];
    }
    const e = this.store.get(defs.role, bindingNs, name);
    if (!e) return `role.rbac.authorization.k8s.io "${name}" not found`;
    return (e.obj.rules as PolicyRule[] | null) ?? [];
  }

  /** Rules that apply to `user` in `namespace` ("" = cluster scope only), with their sources. */
  rulesFor(user: UserInfo, namespace: string): RuleSet {
    const key = `${user.username}\0${user.groups.join('\0')}\0${namespace}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const rules: SourcedRule[] = [];
    const errors: string[] = [];
    for (const { entry } of this.store.list(defs.clusterRoleBinding)) {
      const b = entry.obj;
      const subj = appliesTo(user, b.subjects, '');
      if (!subj) continue;
      const ref = b.roleRef as Obj;
      const rs = this.roleRules(ref, '');
      if (typeof rs === 'string') {
        errors.push(rs);
        continue;
      }
      const source = `ClusterRoleBinding "${(b.metadata as Obj).name}" of ${ref.kind} "${ref.name}" to ${describeSubject(subj, '')}`;
      for (const rule of rs) rules.push({ rule, source });
    }
    if (namespace) {
      for (const { entry } of this.store.list(defs.roleBinding, namespace)) {
        const b = entry.obj;
        const subj = appliesTo(user, b.subjects, namespace);
        if (!subj) continue;
        const ref = b.roleRef as Obj;
        const rs = this.roleRules(ref, namespace);
        if (typeof rs === 'string') {
          errors.push(rs);
          continue;
        }
        const source = `RoleBinding "${(b.metadata as Obj).name}/${namespace}" of ${ref.kind} "${ref.name}" to ${describeSubject(subj, namespace)}`;
        for (const rule of rs) rules.push({ rule, source });
      }
    }
    const set = { rules, errors };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, set);
    return set;
  }

  authorize(a: Attributes): Decision {
    if (a.user.groups.includes('system:masters')) return { allowed: true, reason: '' };
    const set = this.rulesFor(a.user, a.resourceRequest ? a.namespace : '');
    for (const r of set.rules) {
      if (ruleAllows(a, r.rule)) return { allowed: true, reason: `RBAC: allowed by ${r.source}` };
    }
    if (set.errors.length === 0) return { allowed: false, reason: '' };
    const agg = set.errors.length === 1 ? set.errors[0] : `[${set.errors.join(', ')}]`;
    return { allowed: false, reason: `RBAC: ${agg}` };
  }
}

const BOOT_META = {
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
};

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

const BOOTSTRAP_ROLES: Record<string, PolicyRule[]> = {
  'cluster-admin': [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
  ],
  'system:discovery': [
    {
      verbs: ['get'],
      nonResourceURLs: [
        '/api',
        '/api/*',
        '/apis',
        '/apis/*',
        '/healthz',
        '/livez',
        '/openapi',
        '/openapi/*',
        '/readyz',
        '/version',
        '/version/',
      ],
    },
  ],
  'system:basic-user': [
    {
      verbs: ['create'],
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  ],
  'system:public-info-viewer': [
    { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] },
  ],
  // admin/edit/view: the upstream aggregated roles, restricted to the resources served here.
  view: [{ verbs: READ, apiGroups: [''], resources: ['namespaces', 'serviceaccounts'] }],
  edit: [
    { verbs: READ, apiGroups: [''], resources: ['namespaces', 'secrets', 'serviceaccounts'] },
    { verbs: WRITE, apiGroups: [''], resources: ['secrets', 'serviceaccounts'] },
    { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] },
  ],
  admin: [
    { verbs: READ, apiGroups: [''], resources: ['namespaces', 'secrets', 'serviceaccounts'] },
    { verbs: WRITE, apiGroups: [''], resources: ['secrets', 'serviceaccounts'] },
    { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] },
    { verbs: [...READ, ...WRITE], apiGroups: [RBAC], resources: ['rolebindings', 'roles'] },
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'] },
  ],
};

const BOOTSTRAP_BINDINGS: Record<string, Obj[]> = {
  'cluster-admin': [{ kind: 'Group', apiGroup: RBAC, name: 'system:masters' }],
  'system:discovery': [{ kind: 'Group', apiGroup: RBAC, name: 'system:authenticated' }],
  'system:basic-user': [{ kind: 'Group', apiGroup: RBAC, name: 'system:authenticated' }],
  'system:public-info-viewer': [
    { kind: 'Group', apiGroup: RBAC, name: 'system:authenticated' },
    { kind: 'Group', apiGroup: RBAC, name: 'system:unauthenticated' },
  ],
};

/** Bootstrap ClusterRoles and ClusterRoleBindings (upstream bootstrappolicy, trimmed). */
export function bootstrapObjects(): Obj[] {
  const ts = nowTimestamp();
  const out: Obj[] = [];
  for (const [name, rules] of Object.entries(BOOTSTRAP_ROLES)) {
    out.push({
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRole',
      metadata: { name, creationTimestamp: ts, ...BOOT_META },
      rules,
    });
  }
  for (const [name, subjects] of Object.entries(BOOTSTRAP_BINDINGS)) {
    out.push({
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name, creationTimestamp: ts, ...BOOT_META },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name },
      subjects,
    });
  }
  return out;
}
