/**
 * @module emulator/resources/role
 *
 * rbac.authorization.k8s.io/v1 Role (namespaced; PUT creates a missing object).
 */
import { DEFAULT_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { RBAC_GROUP, type ResourceDef, RW } from './kind.js';

export const ROLE: ResourceDef = {
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'Role',
  listKind: 'RoleList',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  verbs: RW,
  allowCreateOnUpdate: true,
  fields: ['rules'],
  selectableFields: DEFAULT_SELECTABLE_FIELDS,
  protobufMessage: 'Role',
};
