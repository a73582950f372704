/**
 * @module emulator/resources/role-binding
 *
 * rbac.authorization.k8s.io/v1 RoleBinding (namespaced; PUT creates a missing object).
 */
import { DEFAULT_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { BINDING_TABLE } from './binding-table.js';
import { RBAC_GROUP, type ResourceDef, RW } from './kind.js';

export const ROLE_BINDING: ResourceDef = {
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'RoleBinding',
  listKind: 'RoleBindingList',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  verbs: RW,
  allowCreateOnUpdate: true,
  fields: ['subjects', 'roleRef'],
  selectableFields: DEFAULT_SELECTABLE_FIELDS,
  table: BINDING_TABLE,
  protobufMessage: 'RoleBinding',
};
