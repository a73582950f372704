/**
 * @module emulator/resources/namespace
 *
 * core/v1 Namespace (cluster-scoped, short name `ns`, field selector `status.phase`).
 */
import { DEFAULT_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { AGE, age, col, meta, NAME, str } from '../wire/table.js';
import type { Obj, ResourceDef } from './kind.js';

export const NAMESPACE: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  allowCreateOnUpdate: false,
  fields: ['spec', 'status'],
  selectableFields: {
    ...DEFAULT_SELECTABLE_FIELDS,
    'status.phase': (o) => ((o.status as Obj | undefined)?.phase as string) ?? '',
  },
  table: {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    cells: (o, now) => [str(meta(o).name), str(((o.status ?? {}) as Obj).phase), age(o, now)],
  },
  protobufMessage: 'Namespace',
};
