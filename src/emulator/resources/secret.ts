/**
 * @module emulator/resources/secret
 *
 * core/v1 Secret: the kind omsm stores credentials in. `stringData` is input-only (merged into
 * `data` on decode); field selector `type` (upstream `secret/strategy.go` SelectableFields);
 * `type` defaults to `Opaque`; validation is upstream ValidateSecret / ValidateSecretUpdate
 * (the type rules live in `wire/validation.ts`).
 */
import { SECRET_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { AGE, age, col, meta, NAME, str } from '../wire/table.js';
import { validateSecret, validateSecretUpdate } from '../wire/validation.js';
import { cannotHandle, fieldsInOrder, isEmpty, type Obj, type ResourceDef, RW, sortedMap } from './kind.js';

const FIELDS = ['immutable', 'data', 'type'];
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Secret decoding as the v1 conversion does it: `data` values must be standard base64, then
 * `stringData` entries overwrite `data` keys (UTF-8 encoded). Returns the object without stringData.
 * @throws StatusError 400 `Secret in version "v1" cannot be handled as a Secret: ...`
 */
export function decodeSecret(o: Obj): Obj {
  const data = o.data;
  if (data !== undefined && data !== null) {
    if (typeof data !== 'object' || Array.isArray(data)) {
      throw cannotHandle(
        SECRET,
        'json: cannot unmarshal into Go struct field Secret.data of type map[string][]uint8',
      );
    }
    for (const v of Object.values(data as Obj)) {
      if (v === null) continue;
      if (typeof v !== 'string') {
        throw cannotHandle(
          SECRET,
          `json: cannot unmarshal ${typeof v} into Go struct field Secret.data of type []uint8`,
        );
      }
      if (!B64.test(v)) {
        const at = firstBadBase64Byte(v);
        throw cannotHandle(SECRET, `illegal base64 data at input byte ${at}`);
      }
    }
  }
  const sd = o.stringData;
  if (sd === undefined || sd === null) {
    if ('stringData' in o) {
      const { stringData: _s, ...rest } = o;
      return rest;
    }
    return o;
  }
  if (typeof sd !== 'object' || Array.isArray(sd)) {
    throw cannotHandle(
      SECRET,
      'json: cannot unmarshal into Go struct field Secret.stringData of type map[string]string',
    );
  }
  const merged: Obj = { ...((data as Obj) ?? {}) };
  for (const [k, v] of Object.entries(sd as Obj)) {
    merged[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
  }
  const { stringData: _s, ...rest } = o;
  return { ...rest, data: merged };
}

function firstBadBase64Byte(v: string): number {
  for (let i = 0; i < v.length; i++) {
    if (!/[A-Za-z0-9+/=]/.test(v[i]!)) return i;
  }
  const pad = v.indexOf('=');
  if (pad >= 0 && pad < v.length - 2) return pad;
  return Math.floor(v.length / 4) * 4;
}

function normalizeField(f: string, v: unknown): unknown {
  if (f === 'data') return isEmpty(v) ? undefined : sortedMap(v);
  if (f === 'type' && !v) return 'Opaque';
  if (f === 'immutable' && v !== true && v !== false) return undefined;
  return v;
}

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
  fields: FIELDS,
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
  decode: decodeSecret,
  normalize: (o) => fieldsInOrder(FIELDS, o, normalizeField),
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
};
