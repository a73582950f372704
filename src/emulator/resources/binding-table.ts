/**
 * @module emulator/resources/binding-table
 *
 * The table of RoleBindings and ClusterRoleBindings (upstream `printRoleBinding`: Role, then the
 * wide columns Users, Groups, ServiceAccounts).
 */
import { AGE, age, col, meta, NAME, type Printer, str } from '../wire/table.js';
import type { Obj } from './kind.js';

const DOC_ROLE_REF =
  'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.';

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

export const BINDING_TABLE: Printer = {
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
