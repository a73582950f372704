/**
 * @module emulator/wire/validation
 *
 * Object validation with the v1.32 messages (kubernetes `pkg/apis/core/validation/validation.go`
 * ValidateSecret/ValidateSecretUpdate/ValidateNamespace/ValidateServiceAccount,
 * `pkg/apis/rbac/validation/validation.go`, apimachinery `pkg/api/validation/objectmeta.go`).
 * Shared checks the kinds' modules in `resources/` call from their `validate` / `validateUpdate`
 * (no kind is chosen by name here). Return Status causes; the REST registry raises
 * `Statuses.invalid(kind, name, causes)`. Secret data
 * values are base64 strings here (the JSON shape); sizes count decoded bytes. Messages never
 * include secret values (dockercfg parse errors say `<secret contents redacted>` like upstream).
 */
import { FIELD_REASON, fieldCause, type StatusCause } from '../status.js';
import {
  isConfigMapKey,
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  maskTrailingDash,
} from './names.js';

type Obj = Record<string, unknown>;
export type NameFn = (name: string) => string[];

/** `core.MaxSecretSize`. */
export const MAX_SECRET_SIZE = 1024 * 1024;
/** `TotalAnnotationSizeLimitB`. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

const asObj = (v: unknown): Obj =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
const asStr = (v: unknown): string => (typeof v === 'string' ? v : '');
const sortedEntries = (v: unknown): [string, unknown][] =>
  Object.entries(asObj(v)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** A cause whose bad value Go renders with `%#v` (structs, slices); status.ts only renders JSON. */
function goValueCause(field: string, rendered: string, detail: string): StatusCause {
  return { reason: FIELD_REASON['Invalid value'], message: `Invalid value: ${rendered}: ${detail}`, field };
}

function goStringSlice(v: unknown): string {
  const arr = Array.isArray(v) ? v : [];
  return `[]string{${arr.map((x) => JSON.stringify(String(x))).join(', ')}}`;
}

/** metav1.Time renders through time.Time.String(): `2006-01-02 15:04:05 +0000 UTC`. */
function goTime(v: unknown): string {
  if (typeof v !== 'string' || v === '') return 'null';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return JSON.stringify(v);
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

function validateNameWith(fn: NameFn, name: string, field: string): StatusCause[] {
  return fn(name).map((m) => fieldCause('Invalid value', field, name, m));
}

function validateLabels(labels: unknown): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [k, v] of sortedEntries(labels)) {
    for (const m of isQualifiedName(k)) out.push(fieldCause('Invalid value', 'metadata.labels', k, m));
    for (const m of isValidLabelValue(asStr(v)))
      out.push(fieldCause('Invalid value', 'metadata.labels', v, m));
  }
  return out;
}

function validateAnnotations(annotations: unknown): StatusCause[] {
  const out: StatusCause[] = [];
  let total = 0;
  for (const [k, v] of sortedEntries(annotations)) {
    // Upstream: QualifiedName except that case does not matter.
    for (const m of isQualifiedName(k.toLowerCase())) {
      out.push(fieldCause('Invalid value', 'metadata.annotations', k, m));
    }
    total += Buffer.byteLength(k) + Buffer.byteLength(asStr(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
    out.push(
      fieldCause(
        'Too long',
        'metadata.annotations',
        '',
        `may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`,
      ),
    );
  }
  return out;
}

function validateFinalizers(finalizers: unknown): StatusCause[] {
  const out: StatusCause[] = [];
  const list = Array.isArray(finalizers) ? finalizers.map(String) : [];
  for (const f of list) {
    for (const m of isQualifiedName(f)) out.push(fieldCause('Invalid value', 'metadata.finalizers', f, m));
  }
  list.forEach((f, i) => {
    if (!f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      out.push(
        fieldCause(
          'Invalid value',
          `metadata.finalizers[${i}]`,
          f,
          'name is neither a standard finalizer name nor is it fully qualified',
        ),
      );
    }
  });
  return out;
}

function validateManagedFields(mf: unknown): StatusCause[] {
  const out: StatusCause[] = [];
  if (!Array.isArray(mf)) return out;
  mf.forEach((e, i) => {
    const entry = asObj(e);
    const op = asStr(entry.operation);
    if (op !== 'Apply' && op !== 'Update') {
      out.push(
        fieldCause(
          'Unsupported value',
          `metadata.managedFields[${i}].operation`,
          op,
          'supported values: "Apply", "Update"',
        ),
      );
    }
    const ft = asStr(entry.fieldsType);
    if (ft !== 'FieldsV1') {
      out.push(
        fieldCause(
          'Unsupported value',
          `metadata.managedFields[${i}].fieldsType`,
          ft,
          'supported values: "FieldsV1"',
        ),
      );
    }
  });
  return out;
}

/** ValidateObjectMeta of `o.metadata`: the whole create check of kinds with no other fields. */
export function validateMetaOf(o: Obj, requiresNamespace: boolean, nameFn: NameFn): StatusCause[] {
  return validateObjectMeta(asObj(o.metadata), requiresNamespace, nameFn);
}

/** apimachinery ValidateObjectMeta (+ core's finalizer check). */
export function validateObjectMeta(meta: Obj, requiresNamespace: boolean, nameFn: NameFn): StatusCause[] {
  const out: StatusCause[] = [];
  const generateName = asStr(meta.generateName);
  const name = asStr(meta.name);
  const namespace = asStr(meta.namespace);
  if (generateName) {
    for (const m of nameFn(maskTrailingDash(generateName))) {
      out.push(fieldCause('Invalid value', 'metadata.generateName', generateName, m));
    }
  }
  if (!name) out.push(fieldCause('Required value', 'metadata.name', '', 'name or generateName is required'));
  else out.push(...validateNameWith(nameFn, name, 'metadata.name'));
  if (requiresNamespace) {
    if (!namespace) out.push(fieldCause('Required value', 'metadata.namespace', ''));
    else out.push(...validateNameWith(isDns1123Label, namespace, 'metadata.namespace'));
  } else if (namespace) {
    out.push(fieldCause('Forbidden', 'metadata.namespace', '', 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) {
    out.push(
      fieldCause(
        'Invalid value',
        'metadata.generation',
        meta.generation,
        'must be greater than or equal to 0',
      ),
    );
  }
  out.push(...validateLabels(meta.labels));
  out.push(...validateAnnotations(meta.annotations));
  out.push(...validateFinalizers(meta.finalizers));
  out.push(...validateManagedFields(meta.managedFields));
  return out;
}

/** apimachinery ValidateObjectMetaUpdate: identity fields are immutable. */
export function validateObjectMetaUpdate(meta: Obj, old: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  const immutable = (f: string, render: (v: unknown) => string | undefined = () => undefined) => {
    const a = meta[f];
    const b = old[f];
    if ((a ?? '') === (b ?? '')) return;
    if (f === 'creationTimestamp' || f === 'deletionTimestamp') {
      // Compare instants: clients may resend `…:09.000Z` for `…:09Z`.
      if (typeof a === 'string' && typeof b === 'string' && Date.parse(a) === Date.parse(b)) return;
    }
    const rendered = render(a);
    out.push(
      rendered === undefined
        ? fieldCause('Invalid value', `metadata.${f}`, a ?? '', 'field is immutable')
        : goValueCause(`metadata.${f}`, rendered, 'field is immutable'),
    );
  };
  const gen = (v: unknown) => (typeof v === 'number' ? v : 0);
  if (gen(meta.generation) < gen(old.generation)) {
    out.push(
      fieldCause('Invalid value', 'metadata.generation', gen(meta.generation), 'must not be decremented'),
    );
  }
  immutable('name');
  immutable('namespace');
  immutable('uid');
  immutable('creationTimestamp', goTime);
  immutable('deletionTimestamp', goTime);
  immutable('deletionGracePeriodSeconds', (v) => (v === undefined || v === null ? 'null' : String(v)));
  out.push(...validateLabels(meta.labels));
  out.push(...validateAnnotations(meta.annotations));
  out.push(...validateManagedFields(meta.managedFields));
  return out;
}

function decodedLength(b64: unknown): number {
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64').length : 0;
}

/** Go encoding/json's first error for the common cases (no secret bytes in the message). */
function jsonError(b64: unknown): string | undefined {
  const text = typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('utf8') : '';
  try {
    const v = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      return 'json: cannot unmarshal non-object into Go value of type map[string]interface {}';
    }
    return undefined;
  } catch {
    const trimmed = text.trimStart();
    if (trimmed === '') return 'unexpected end of JSON input';
    return `invalid character '${trimmed[0]}' looking for beginning of value`;
  }
}

export function validateSecret(s: Obj): StatusCause[] {
  const meta = asObj(s.metadata);
  const out = validateObjectMeta(meta, true, isDns1123Subdomain);
  const data = asObj(s.data);
  let total = 0;
  for (const [key, value] of sortedEntries(data)) {
    for (const m of isConfigMapKey(key)) out.push(fieldCause('Invalid value', `data[${key}]`, key, m));
    total += decodedLength(value);
  }
  if (total > MAX_SECRET_SIZE) {
    out.push(fieldCause('Too long', 'data', '', `may not be more than ${MAX_SECRET_SIZE} bytes`));
  }
  const has = (k: string) => Object.hasOwn(data, k);
  switch (asStr(s.type)) {
    case 'kubernetes.io/service-account-token':
      if (!asStr(asObj(meta.annotations)['kubernetes.io/service-account.name'])) {
        out.push(
          fieldCause('Required value', 'metadata.annotations[kubernetes.io/service-account.name]', ''),
        );
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = s.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) {
        out.push(fieldCause('Required value', `data[${key}]`, ''));
        break;
      }
      const err = jsonError(data[key]);
      if (err) out.push(fieldCause('Invalid value', `data[${key}]`, '<secret contents redacted>', err));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        out.push(fieldCause('Required value', 'data[username]', ''));
        out.push(fieldCause('Required value', 'data[password]', ''));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (decodedLength(data['ssh-privatekey']) === 0) {
        out.push(fieldCause('Required value', 'data[ssh-privatekey]', ''));
      }
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) out.push(fieldCause('Required value', 'data[tls.crt]', ''));
      if (!has('tls.key')) out.push(fieldCause('Required value', 'data[tls.key]', ''));
      break;
    default:
  }
  return out;
}

function sameData(a: unknown, b: unknown): boolean {
  const ea = sortedEntries(a);
  const eb = sortedEntries(b);
  if (ea.length !== eb.length) return false;
  // Compare decoded bytes: two base64 spellings of the same bytes are the same data.
  return ea.every(
    ([k, v], i) =>
      eb[i]![0] === k && Buffer.from(asStr(v), 'base64').equals(Buffer.from(asStr(eb[i]![1]), 'base64')),
  );
}

export function validateSecretUpdate(next: Obj, old: Obj): StatusCause[] {
  const out = validateObjectMetaUpdate(asObj(next.metadata), asObj(old.metadata));
  if (asStr(next.type) !== asStr(old.type)) {
    out.push(fieldCause('Invalid value', 'type', asStr(next.type), 'field is immutable'));
  }
  if (old.immutable === true) {
    if (next.immutable !== true) {
      out.push(fieldCause('Forbidden', 'immutable', '', 'field is immutable when `immutable` is set'));
    }
    if (!sameData(next.data, old.data)) {
      out.push(fieldCause('Forbidden', 'data', '', 'field is immutable when `immutable` is set'));
    }
  }
  // Upstream appends the create-time checks after the update checks.
  const create = validateSecret(next).filter((c) => !c.field?.startsWith('metadata.') || isCreateOnly(c));
  out.push(...create);
  return out;
}

/** Labels/annotations/managedFields are already covered by the update meta checks. */
function isCreateOnly(c: StatusCause): boolean {
  return !/^metadata\.(labels|annotations|managedFields)/.test(c.field ?? '');
}

function validatePolicyRule(rule: Obj, namespaced: boolean, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const len = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  if (len(rule.verbs) === 0) {
    out.push(fieldCause('Required value', `${path}.verbs`, '', 'verbs must contain at least one value'));
  }
  if (len(rule.nonResourceURLs) > 0) {
    const rendered = goStringSlice(rule.nonResourceURLs);
    if (namespaced) {
      out.push(
        goValueCause(
          `${path}.nonResourceURLs`,
          rendered,
          'namespaced rules cannot apply to non-resource URLs',
        ),
      );
    }
    if (len(rule.apiGroups) > 0 || len(rule.resources) > 0 || len(rule.resourceNames) > 0) {
      out.push(
        goValueCause(
          `${path}.nonResourceURLs`,
          rendered,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    }
    return out;
  }
  if (len(rule.apiGroups) === 0) {
    out.push(
      fieldCause(
        'Required value',
        `${path}.apiGroups`,
        '',
        'resource rules must supply at least one api group',
      ),
    );
  }
  if (len(rule.resources) === 0) {
    out.push(
      fieldCause(
        'Required value',
        `${path}.resources`,
        '',
        'resource rules must supply at least one resource',
      ),
    );
  }
  return out;
}

export function validateRole(o: Obj, namespaced: boolean): StatusCause[] {
  const out = validateObjectMeta(asObj(o.metadata), namespaced, isValidPathSegmentName);
  const rules = Array.isArray(o.rules) ? o.rules : [];
  rules.forEach((r, i) => {
    out.push(...validatePolicyRule(asObj(r), namespaced, `rules[${i}]`));
  });
  return out;
}

function validateSubject(s: Obj, namespaced: boolean, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const name = asStr(s.name);
  const apiGroup = asStr(s.apiGroup);
  if (!name) out.push(fieldCause('Required value', `${path}.name`, ''));
  switch (asStr(s.kind)) {
    case 'ServiceAccount':
      if (name) out.push(...validateNameWith(isDns1123Subdomain, name, `${path}.name`));
      if (apiGroup)
        out.push(fieldCause('Unsupported value', `${path}.apiGroup`, apiGroup, 'supported values: ""'));
      if (!namespaced && !asStr(s.namespace)) out.push(fieldCause('Required value', `${path}.namespace`, ''));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) {
        out.push(
          fieldCause('Unsupported value', `${path}.apiGroup`, apiGroup, `supported values: "${RBAC_GROUP}"`),
        );
      }
      break;
    default:
      out.push(
        fieldCause(
          'Unsupported value',
          `${path}.kind`,
          asStr(s.kind),
          'supported values: "ServiceAccount", "User", "Group"',
        ),
      );
  }
  return out;
}

export function validateBinding(o: Obj, namespaced: boolean): StatusCause[] {
  const out = validateObjectMeta(asObj(o.metadata), namespaced, isValidPathSegmentName);
  const ref = asObj(o.roleRef);
  if (asStr(ref.apiGroup) !== RBAC_GROUP) {
    out.push(
      fieldCause(
        'Unsupported value',
        'roleRef.apiGroup',
        asStr(ref.apiGroup),
        `supported values: "${RBAC_GROUP}"`,
      ),
    );
  }
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(asStr(ref.kind))) {
    out.push(
      fieldCause(
        'Unsupported value',
        'roleRef.kind',
        asStr(ref.kind),
        `supported values: ${kinds.map((k) => `"${k}"`).join(', ')}`,
      ),
    );
  }
  const refName = asStr(ref.name);
  if (!refName) out.push(fieldCause('Required value', 'roleRef.name', ''));
  else out.push(...validateNameWith(isValidPathSegmentName, refName, 'roleRef.name'));
  const subjects = Array.isArray(o.subjects) ? o.subjects : [];
  subjects.forEach((s, i) => {
    out.push(...validateSubject(asObj(s), namespaced, `subjects[${i}]`));
  });
  return out;
}

function renderRoleRef(ref: Obj): string {
  return `rbac.RoleRef{APIGroup:${JSON.stringify(asStr(ref.apiGroup))}, Kind:${JSON.stringify(asStr(ref.kind))}, Name:${JSON.stringify(asStr(ref.name))}}`;
}

function sameRoleRef(a: Obj, b: Obj): boolean {
  return (
    asStr(a.apiGroup) === asStr(b.apiGroup) &&
    asStr(a.kind) === asStr(b.kind) &&
    asStr(a.name) === asStr(b.name)
  );
}

/**
 * The update checks of every kind except Secret (upstream `ValidateObjectMetaUpdate` appended to
 * the kind's create checks): `create` (the create causes of `next`), then the metadata update
 * checks the create checks do not already make (labels, annotations, managedFields).
 */
export function validateUpdateAfterCreate(create: StatusCause[], next: Obj, old: Obj): StatusCause[] {
  const out = create;
  out.push(
    ...validateObjectMetaUpdate(asObj(next.metadata), asObj(old.metadata)).filter(
      (c) => !/^metadata\.(labels|annotations|managedFields)/.test(c.field ?? ''),
    ),
  );
  return out;
}

/** RoleBinding / ClusterRoleBinding update: `cannot change roleRef`. */
export function validateRoleRefUpdate(next: Obj, old: Obj): StatusCause[] {
  const a = asObj(next.roleRef);
  if (sameRoleRef(a, asObj(old.roleRef))) return [];
  return [goValueCause('roleRef', renderRoleRef(a), 'cannot change roleRef')];
}
