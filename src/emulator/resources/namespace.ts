/**
 * @module emulator/resources/namespace
 *
 * core/v1 Namespace (cluster-scoped, short name `ns`, field selector `status.phase`). Defaulting
 * adds the `kubernetes.io/metadata.name` label and `spec.finalizers: [kubernetes]`; status is
 * Active on create and kept on update (status is a subresource); a DELETE answers with the
 * object in phase Terminating (the emulator has no namespace controller and removes it, and
 * its contents, at once).
 */
import { isDns1123Label } from '../wire/names.js';
import { DEFAULT_SELECTABLE_FIELDS } from '../wire/selectors.js';
import { AGE, age, col, meta, NAME, str } from '../wire/table.js';
import { validateMetaOf, validateUpdateAfterCreate } from '../wire/validation.js';
import { fieldsInOrder, nowTimestamp, type Obj, type ResourceDef } from './kind.js';

const FIELDS = ['spec', 'status'];
const validate = (o: Obj) => validateMetaOf(o, false, isDns1123Label);

function metaOf(o: Obj): Obj {
  const m = o.metadata;
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as Obj) : {};
}

function omitPhase(v: unknown): Obj {
  if (!v || typeof v !== 'object') return {};
  const { phase: _p, ...rest } = v as Obj;
  return rest;
}

function normalizeField(f: string, v: unknown): unknown {
  if (f === 'spec')
    return { finalizers: ((v as Obj | undefined)?.finalizers as unknown[]) ?? ['kubernetes'] };
  if (f === 'status')
    return { phase: ((v as Obj | undefined)?.phase as string) || 'Active', ...omitPhase(v) };
  return v;
}

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
  fields: FIELDS,
  selectableFields: {
    ...DEFAULT_SELECTABLE_FIELDS,
    'status.phase': (o) => ((o.status as Obj | undefined)?.phase as string) ?? '',
  },
  table: {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    cells: (o, now) => [str(meta(o).name), str(((o.status ?? {}) as Obj).phase), age(o, now)],
  },
  protobufMessage: 'Namespace',
  defaults: (o) => {
    const m = o.metadata as Obj;
    m.labels = { ...((m.labels as Obj) ?? {}), 'kubernetes.io/metadata.name': m.name };
  },
  normalize: (o) => fieldsInOrder(FIELDS, o, normalizeField),
  prepareForCreate: (next) => {
    next.status = { phase: 'Active' };
  },
  prepareForUpdate: (next, old) => {
    next.status = old.status;
  },
  validate,
  validateUpdate: (next, old) => validateUpdateAfterCreate(validate(next), next, old),
  deleteResponse: (last) => ({
    ...last,
    metadata: { ...metaOf(last), deletionTimestamp: nowTimestamp() },
    spec: last.spec,
    status: { phase: 'Terminating' },
  }),
};
