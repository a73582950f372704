/**
 * @module emulator/resources/rbac-fields
 *
 * The served form of the RBAC kinds' shared fields (upstream messages PolicyRule, Subject and
 * RoleRef), used by the normalisation of Role/ClusterRole and RoleBinding/ClusterRoleBinding.
 */
import { type Obj, RBAC_GROUP } from './kind.js';

/** A PolicyRule: `verbs` always, the other lists only when non-empty. */
export function normRule(r: Obj): Obj {
  const out: Obj = { verbs: r.verbs ?? [] };
  for (const k of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']) {
    if (Array.isArray(r[k]) && (r[k] as unknown[]).length > 0) out[k] = r[k];
  }
  return out;
}

/** `rules` of a Role/ClusterRole: each rule normalised; `otherwise` for a missing or non-list value. */
export function normRules(v: unknown, otherwise: unknown): unknown {
  return Array.isArray(v) ? v.map((r) => normRule(r as Obj)) : otherwise;
}

/** A Subject, with v1 defaulting (SetDefaults_Subject): User and Group subjects get the RBAC group. */
export function normSubject(s: Obj): Obj {
  const out: Obj = { kind: s.kind };
  let apiGroup = s.apiGroup as string | undefined;
  if (!apiGroup && (s.kind === 'User' || s.kind === 'Group')) apiGroup = RBAC_GROUP;
  if (apiGroup) out.apiGroup = apiGroup;
  out.name = s.name;
  if (s.namespace) out.namespace = s.namespace;
  return out;
}

/** `subjects` and `roleRef` of a RoleBinding/ClusterRoleBinding in served form. */
export function normBindingField(f: string, v: unknown): unknown {
  if (f === 'subjects')
    return Array.isArray(v) && v.length > 0 ? v.map((s) => normSubject(s as Obj)) : undefined;
  if (f === 'roleRef' && v && typeof v === 'object') {
    const r = v as Obj;
    return { apiGroup: r.apiGroup ?? '', kind: r.kind, name: r.name };
  }
  return v;
}
