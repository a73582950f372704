import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Statuses } from '../status.js';
import {
  normalize,
  type Obj,
  type ResourceDef,
  resourceFor,
  validateObject as validateWith,
} from '../resources.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (over: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) => ({
  metadata: { name: 's1', namespace: 'ns', ...meta },
  type: 'Opaque',
  data: { k: b64('v') },
  ...over,
});
const def = (group: string, plural: string): ResourceDef => resourceFor(group, 'v1', plural)!;
const RBAC = 'rbac.authorization.k8s.io';
const SECRET = def('', 'secrets');
/** Each kind's own validation, reached through the registry as the REST registry does. */
const validateObject = (next: Obj, old: Obj | undefined, d: ResourceDef) => validateWith(d, next, old);

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('validateObject Secret create', () => {
  const cases: {
    desc: string;
    obj: Record<string, unknown>;
    want: { field: string; reason: string; message: string }[];
  }[] = [
    { desc: 'valid', obj: secret(), want: [] },
    {
      desc: 'bad name',
      obj: secret({}, { name: 'Bad_Name' }),
      want: [
        {
          field: 'metadata.name',
          reason: 'FieldValueInvalid',
          message: `Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`,
        },
      ],
    },
    {
      desc: 'no name',
      obj: secret({}, { name: undefined }),
      want: [
        {
          field: 'metadata.name',
          reason: 'FieldValueRequired',
          message: 'Required value: name or generateName is required',
        },
      ],
    },
    {
      desc: 'name too long',
      obj: secret({}, { name: 'a'.repeat(254) }),
      want: [
        {
          field: 'metadata.name',
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`,
        },
      ],
    },
    {
      desc: 'bad data key (double spaces)',
      obj: secret({ data: { 'bad key': b64('x') } }),
      want: [
        {
          field: 'data[bad key]',
          reason: 'FieldValueInvalid',
          message:
            "Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        },
      ],
    },
    {
      desc: 'data key ..',
      obj: secret({ data: { '..': b64('x') } }),
      want: [
        { field: 'data[..]', reason: 'FieldValueInvalid', message: `Invalid value: "..": must not be '..'` },
      ],
    },
    {
      desc: 'oversize data',
      obj: secret({
        data: { a: Buffer.alloc(600_000).toString('base64'), b: Buffer.alloc(448_577).toString('base64') },
      }),
      want: [
        {
          field: 'data',
          reason: 'FieldValueTooLong',
          message: 'Too long: may not be more than 1048576 bytes',
        },
      ],
    },
    {
      desc: 'tls requires both keys',
      obj: secret({ type: 'kubernetes.io/tls', data: {} }),
      want: [
        { field: 'data[tls.crt]', reason: 'FieldValueRequired', message: 'Required value' },
        { field: 'data[tls.key]', reason: 'FieldValueRequired', message: 'Required value' },
      ],
    },
    {
      desc: 'basic-auth needs username or password',
      obj: secret({ type: 'kubernetes.io/basic-auth', data: {} }),
      want: [
        { field: 'data[username]', reason: 'FieldValueRequired', message: 'Required value' },
        { field: 'data[password]', reason: 'FieldValueRequired', message: 'Required value' },
      ],
    },
    {
      desc: 'dockerconfigjson must be JSON, value redacted',
      obj: secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('nope') } }),
      want: [
        {
          field: 'data[.dockerconfigjson]',
          reason: 'FieldValueInvalid',
          message: `Invalid value: "<secret contents redacted>": invalid character 'n' looking for beginning of value`,
        },
      ],
    },
    {
      desc: 'service-account-token needs the annotation',
      obj: secret({ type: 'kubernetes.io/service-account-token' }),
      want: [
        {
          field: 'metadata.annotations[kubernetes.io/service-account.name]',
          reason: 'FieldValueRequired',
          message: 'Required value',
        },
      ],
    },
  ];
  for (const c of cases) {
    it(c.desc, () => assert.deepEqual(validateObject(c.obj, undefined, SECRET), c.want));
  }

  it('label key and value errors use the unkeyed metadata.labels path', () => {
    const causes = validateObject(
      secret({}, { labels: { 'a/b/c': 'ok', good: 'bad value!' } }),
      undefined,
      SECRET,
    );
    assert.deepEqual(
      causes.map((c) => c.field),
      ['metadata.labels', 'metadata.labels'],
    );
    assert.match(causes[0]!.message, /^Invalid value: "a\/b\/c": a qualified name must consist of/);
    assert.match(
      causes[1]!.message,
      /^Invalid value: "bad value!": a valid label must be an empty string or consist/,
    );
    assert.match(causes[1]!.message, /\(e\.g\. 'MyValue', {2}or 'my_value', {2}or '12345'/);
  });

  it('annotation total size over 262144 bytes', () => {
    const causes = validateObject(
      secret({}, { annotations: { big: 'x'.repeat(262144) } }),
      undefined,
      SECRET,
    );
    assert.deepEqual(causes, [
      {
        field: 'metadata.annotations',
        reason: 'FieldValueTooLong',
        message: 'Too long: may not be more than 262144 bytes',
      },
    ]);
  });

  it('annotation keys are checked lower-cased', () => {
    assert.deepEqual(
      validateObject(secret({}, { annotations: { 'Example.COM/Key': 'v' } }), undefined, SECRET),
      [],
    );
  });

  it('generateName with a trailing dash is valid', () => {
    assert.deepEqual(
      validateObject(secret({}, { name: 'abc-x2b4z', generateName: 'abc-' }), undefined, SECRET),
      [],
    );
  });

  it('renders the aggregate 422 message', () => {
    const causes = validateObject(secret({}, { name: 'Bad_Name' }), undefined, SECRET);
    const err = Statuses.invalid('Secret', 'Bad_Name', causes);
    assert.equal(
      err.status.message,
      `Secret "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`,
    );
  });
});

describe('validateObject Secret update', () => {
  const old = secret({}, { uid: 'u1', creationTimestamp: '2025-01-01T00:00:00Z', resourceVersion: '5' });
  it('type is immutable', () => {
    assert.deepEqual(
      validateObject(
        { ...old, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } },
        old,
        SECRET,
      ),
      [
        {
          field: 'type',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: "kubernetes.io/tls": field is immutable',
        },
      ],
    );
  });
  it('immutable secret: data and immutable flag are frozen, labels are not', () => {
    const frozen = { ...old, immutable: true };
    assert.deepEqual(
      validateObject({ ...frozen, data: { k: b64('other') }, immutable: false }, frozen, SECRET),
      [
        {
          field: 'immutable',
          reason: 'FieldValueForbidden',
          message: 'Forbidden: field is immutable when `immutable` is set',
        },
        {
          field: 'data',
          reason: 'FieldValueForbidden',
          message: 'Forbidden: field is immutable when `immutable` is set',
        },
      ],
    );
    const relabel = { ...frozen, metadata: { ...frozen.metadata, labels: { a: 'b' } } };
    assert.deepEqual(validateObject(relabel, frozen, SECRET), []);
  });
  it('metadata identity fields are immutable', () => {
    const next = {
      ...old,
      metadata: { ...old.metadata, uid: 'u2', creationTimestamp: '2025-02-01T00:00:00Z' },
    };
    assert.deepEqual(validateObject(next, old, SECRET), [
      {
        field: 'metadata.uid',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "u2": field is immutable',
      },
      {
        field: 'metadata.creationTimestamp',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: 2025-02-01 00:00:00 +0000 UTC: field is immutable',
      },
    ]);
  });
  it('fractional-second timestamps of the same instant are not a change', () => {
    const next = { ...old, metadata: { ...old.metadata, creationTimestamp: '2025-01-01T00:00:00.000Z' } };
    assert.deepEqual(validateObject(next, old, SECRET), []);
  });
});

describe('validateObject other kinds', () => {
  it('namespace names are DNS-1123 labels and namespaces carry no namespace', () => {
    const causes = validateObject({ metadata: { name: 'a.b' } }, undefined, def('', 'namespaces'));
    assert.equal(causes.length, 1);
    assert.equal(causes[0]!.field, 'metadata.name');
    assert.match(causes[0]!.message, /a lowercase RFC 1123 label must consist of/);
  });
  it('role rules need verbs, apiGroups and resources', () => {
    const causes = validateObject(
      { metadata: { name: 'r', namespace: 'ns' }, rules: [{}] },
      undefined,
      def(RBAC, 'roles'),
    );
    assert.deepEqual(
      causes.map((c) => [c.field, c.message]),
      [
        ['rules[0].verbs', 'Required value: verbs must contain at least one value'],
        ['rules[0].apiGroups', 'Required value: resource rules must supply at least one api group'],
        ['rules[0].resources', 'Required value: resource rules must supply at least one resource'],
      ],
    );
  });
  it('roleRef cannot change', () => {
    const rb = (name: string) => ({
      metadata: { name: 'rb', namespace: 'ns', uid: 'u' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }],
    });
    assert.deepEqual(validateObject(rb('b'), rb('a'), def(RBAC, 'rolebindings')), [
      {
        field: 'roleRef',
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef',
      },
    ]);
  });
  it('ClusterRoleBinding may only reference a ClusterRole', () => {
    const causes = validateObject(
      {
        metadata: { name: 'crb' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' },
        subjects: [{ kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' }],
      },
      undefined,
      def(RBAC, 'clusterrolebindings'),
    );
    assert.deepEqual(
      causes.map((c) => [c.field, c.message]),
      [['roleRef.kind', 'Unsupported value: "Role": supported values: "ClusterRole"']],
    );
  });
});

describe('decoding and normalisation defaults', () => {
  it('Secret: stringData merged over data on decode, type defaults to Opaque', () => {
    const decoded = SECRET.decode!({ data: { a: b64('1'), b: b64('2') }, stringData: { b: 'two' } });
    assert.deepEqual(normalize(SECRET, decoded), {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: {},
      data: { a: b64('1'), b: b64('two') },
      type: 'Opaque',
    });
  });
  it('RoleBinding: a User subject gets the RBAC apiGroup', () => {
    const rb = normalize(def(RBAC, 'rolebindings'), { subjects: [{ kind: 'User', name: 'u' }] });
    assert.deepEqual(rb.subjects, [{ kind: 'User', apiGroup: RBAC, name: 'u' }]);
  });
  it('ClusterRole: a missing rules is null, after aggregationRule', () => {
    const cr = normalize(def(RBAC, 'clusterroles'), { aggregationRule: { clusterRoleSelectors: [] } });
    assert.deepEqual(Object.keys(cr), ['kind', 'apiVersion', 'metadata', 'aggregationRule', 'rules']);
    assert.equal(cr.rules, null);
  });
});
