/**
 * @module emulator/resources/cluster-role-binding
 *
 * rbac.authorization.k8s.io/v1 ClusterRoleBinding (cluster-scoped; PUT creates a missing object).
 */
import { DEFAULT_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { BINDING_TABLE } from './binding-table.js';
import { RBAC_GROUP, type ResourceDef, RW } from './kind.js';

export const CLUSTER_ROLE_BINDING: ResourceDef = {
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'ClusterRoleBinding',
  listKind: 'ClusterRoleBindingList',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  verbs: RW,
  allowCreateOnUpdate: true,
  fields: ['subjects', 'roleRef'],
  selectableFields: DEFAULT_SELECTABLE_FIELDS,
  table: BINDING_TABLE,
  protobufMessage: 'ClusterRoleBinding',
};
