/**
 * @module emulator/resources/cluster-role
 *
 * rbac.authorization.k8s.io/v1 ClusterRole (cluster-scoped; PUT creates a missing object). A
 * missing `rules` is served as `null`, written after `aggregationRule`.
 */
import { DEFAULT_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { validateRole, validateUpdateAfterCreate } from '../wire/validation.js';
import { fieldsInOrder, type Obj, RBAC_GROUP, type ResourceDef, RW } from './kind.js';
import { normRules } from './rbac-fields.js';

const FIELDS = ['rules', 'aggregationRule'];
const validate = (o: Obj) => validateRole(o, false);

function normalize(o: Obj): Obj {
  const out = fieldsInOrder(FIELDS, o, (f, v) => (f === 'rules' ? normRules(v, v) : v));
  if (out.rules === undefined) out.rules = null;
  return out;
}

export const CLUSTER_ROLE: ResourceDef = {
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'ClusterRole',
  listKind: 'ClusterRoleList',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  verbs: RW,
  allowCreateOnUpdate: true,
  fields: FIELDS,
  selectableFields: DEFAULT_SELECTABLE_FIELDS,
  protobufMessage: 'ClusterRole',
  normalize,
  validate,
  validateUpdate: (next, old) => validateUpdateAfterCreate(validate(next), next, old),
};
