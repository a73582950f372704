/**
 * @module emulator/resources/secret
 *
 * core/v1 Secret: the kind omsm stores credentials in. `stringData` is input-only (merged into
 * `data` on decode); field selector `type` (upstream `secret/strategy.go` SelectableFields).
 */
import { SECRET_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { AGE, age, col, meta, NAME, str } from '../wire/table.js';
import { type ResourceDef, RW } from './kind.js';

const DOC_SECRET_TYPE =
  'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types';
const DOC_SECRET_DATA =
  "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly empty) value here. Described in https://tools.ietf.org/html/rfc4648#section-4";

export const SECRET: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  listKind: 'SecretList',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  verbs: RW,
  allowCreateOnUpdate: false,
  fields: ['immutable', 'data', 'type'],
  inputOnly: ['stringData'],
  selectableFields: SECRET_SELECTABLE_FIELDS,
  table: {
    columns: [NAME, col('Type', DOC_SECRET_TYPE), col('Data', DOC_SECRET_DATA), AGE],
    cells: (o, now) => [
      str(meta(o).name),
      str(o.type),
      o.data !== null && typeof o.data === 'object' ? Object.keys(o.data).length : 0,
      age(o, now),
    ],
  },
  protobufMessage: 'Secret',
};
