/**
 * @module emulator/resources/role-binding
 *
 * rbac.authorization.k8s.io/v1 RoleBinding (namespaced; PUT creates a missing object).
 */
import { DEFAULT_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { validateBinding, validateRoleRefUpdate, validateUpdateAfterCreate } from '../wire/validation.js';
import { BINDING_TABLE } from './binding-table.js';
import { fieldsInOrder, type Obj, RBAC_GROUP, type ResourceDef, RW } from './kind.js';
import { normBindingField } from './rbac-fields.js';

const FIELDS = ['subjects', 'roleRef'];
const validate = (o: Obj) => validateBinding(o, true);

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
  fields: FIELDS,
  selectableFields: DEFAULT_SELECTABLE_FIELDS,
  table: BINDING_TABLE,
  protobufMessage: 'RoleBinding',
  normalize: (o) => fieldsInOrder(FIELDS, o, normBindingField),
  validate,
  validateUpdate: (next, old) => [
    ...validateUpdateAfterCreate(validate(next), next, old),
    ...validateRoleRefUpdate(next, old),
  ],
};
