/**
 * @module emulator/resources/role
 *
 * rbac.authorization.k8s.io/v1 Role (namespaced; PUT creates a missing object). A missing
 * `rules` is served as `null`.
 */
import { DEFAULT_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { validateRole, validateUpdateAfterCreate } from '../wire/validation.js';
import { fieldsInOrder, RBAC_GROUP, type ResourceDef, RW } from './kind.js';
import { normRules } from './rbac-fields.js';

const FIELDS = ['rules'];
const validate = (o: Record<string, unknown>) => validateRole(o, true);

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
  fields: FIELDS,
  selectableFields: DEFAULT_SELECTABLE_FIELDS,
  protobufMessage: 'Role',
  normalize: (o) => fieldsInOrder(FIELDS, o, (f, v) => (f === 'rules' ? normRules(v, null) : v)),
  validate,
  validateUpdate: (next, old) => validateUpdateAfterCreate(validate(next), next, old),
};
