/**
 * @module emulator/resources/cluster-role
 *
 * rbac.authorization.k8s.io/v1 ClusterRole (cluster-scoped; PUT creates a missing object).
 */
import { DEFAULT_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { RBAC_GROUP, type ResourceDef, RW } from './kind.js';

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
  fields: ['rules', 'aggregationRule'],
  selectableFields: DEFAULT_SELECTABLE_FIELDS,
  protobufMessage: 'ClusterRole',
};
