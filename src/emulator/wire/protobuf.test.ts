import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../status.js';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from './protobuf.js';

/** Bodies captured from kubectl v1.32.4 (`kubectl.1.32 create …`, `auth can-i`, `auth whoami`). */
const CAPTURED: { desc: string; b64: string; want: Record<string, unknown> }[] = [
  {
    desc: 'create secret generic s1 --from-literal=k=v --from-literal=empty= --type=Opaque',
    b64: 'azhzAAoMCgJ2MRIGU2VjcmV0Ei8KEgoCczESABoAIgAqADIAOABCABIJCgVlbXB0eRIAEgYKAWsSAXYaBk9wYXF1ZRoAIgA=',
    want: {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's1' },
      data: { empty: '', k: 'dg==' },
      type: 'Opaque',
    },
  },
  {
    desc: 'auth can-i create secrets -n ns1',
    b64: 'azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSPgoQCgASABoAIgAqADIAOABCABIgCh4KA25zMRIGY3JlYXRlGgAiACoHc2VjcmV0czIAOgAaCAgAEgAaACAAGgAiAA==',
    want: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'ns1', verb: 'create', resource: 'secrets' } },
      status: { allowed: false, denied: false },
    },
  },
  {
    desc: 'auth can-i get /healthz',
    b64: 'azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSLwoQCgASABoAIgAqADIAOABCABIREg8KCC9oZWFsdGh6EgNnZXQaCAgAEgAaACAAGgAiAA==',
    want: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
      status: { allowed: false, denied: false },
    },
  },
  {
    desc: 'auth can-i --list -n ns1',
    b64: 'azhzAAoxChdhdXRob3JpemF0aW9uLms4cy5pby92MRIWU2VsZlN1YmplY3RSdWxlc1JldmlldxIfChAKABIAGgAiACoAMgA4AEIAEgUKA25zMRoEGAAiABoAIgA=',
    want: {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { namespace: 'ns1' },
      status: { incomplete: false },
    },
  },
  {
    desc: 'auth whoami',
    b64: 'azhzAAotChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESEVNlbGZTdWJqZWN0UmV2aWV3EhoKEAoAEgAaACIAKgAyADgAQgASBgoECgASABoAIgA=',
    want: {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: {},
      status: { userInfo: {} },
    },
  },
  {
    desc: 'create token sa1 --duration=10m --audience=a1',
    b64: 'azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBIhChAKABIAGgAiACoAMgA4AEIAEgcKAmExINgEGgQKABIAGgAiAA==',
    want: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: {},
      spec: { audiences: ['a1'], expirationSeconds: 600 },
      status: {},
    },
  },
  {
    desc: 'create namespace ns1',
    b64: 'azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhsKEwoDbnMxEgAaACIAKgAyADgAQgASABoCCgAaACIA',
    want: { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'ns1' }, spec: {}, status: {} },
  },
  {
    desc: 'create serviceaccount sa1',
    b64: 'azhzAAoUCgJ2MRIOU2VydmljZUFjY291bnQSFQoTCgNzYTESABoAIgAqADIAOABCABoAIgA=',
    want: { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name: 'sa1' } },
  },
  {
    desc: 'create role r1 --verb=get,create --resource=secrets --resource-name=x',
    b64: 'azhzAAokChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgRSb2xlEjEKEgoCcjESABoAIgAqADIAOABCABIbCgNnZXQKBmNyZWF0ZRIAGgdzZWNyZXRzIgF4GgAiAA==',
    want: {
      kind: 'Role',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'r1' },
      rules: [{ verbs: ['get', 'create'], apiGroups: [''], resources: ['secrets'], resourceNames: ['x'] }],
    },
  },
  {
    desc: 'create clusterrole cr1 --verb=get --non-resource-url=/healthz',
    b64: 'azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtDbHVzdGVyUm9sZRImChMKA2NyMRIAGgAiACoAMgA4AEIAEg8KA2dldCoIL2hlYWx0aHoaACIA',
    want: {
      kind: 'ClusterRole',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'cr1' },
      rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
    },
  },
  {
    desc: 'create rolebinding rb1 --role=r1 --serviceaccount=default:sa1 --user=alice',
    b64: 'azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtSb2xlQmluZGluZxKKAQoTCgNyYjESABoAIgAqADIAOABCABIqCgRVc2VyEhlyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvGgVhbGljZSIAEiAKDlNlcnZpY2VBY2NvdW50EgAaA3NhMSIHZGVmYXVsdBolChlyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvEgRSb2xlGgJyMRoAIgA=',
    want: {
      kind: 'RoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'rb1' },
      subjects: [
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
        { kind: 'ServiceAccount', name: 'sa1', namespace: 'default' },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r1' },
    },
  },
  {
    desc: 'create clusterrolebinding crb1 --clusterrole=cr1 --group=g1',
    b64: 'azhzAAoyChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEhJDbHVzdGVyUm9sZUJpbmRpbmcSbwoUCgRjcmIxEgAaACIAKgAyADgAQgASKAoFR3JvdXASGXJiYWMuYXV0aG9yaXphdGlvbi5rOHMuaW8aAmcxIgAaLQoZcmJhYy5hdXRob3JpemF0aW9uLms4cy5pbxILQ2x1c3RlclJvbGUaA2NyMRoAIgA=',
    want: {
      kind: 'ClusterRoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'crb1' },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'g1' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cr1' },
    },
  },
];

describe('decodeKubernetesProtobuf: bodies captured from kubectl 1.32', () => {
  for (const c of CAPTURED) {
    it(c.desc, () => {
      const d = decodeKubernetesProtobuf(Buffer.from(c.b64, 'base64'));
      assert.equal(d.kind, c.want.kind);
      assert.equal(d.apiVersion, c.want.apiVersion);
      assert.deepEqual(d.object, c.want);
    });
  }
});

describe('encode/decode round trip', () => {
  it('Secret with labels, annotations, times, managedFields, ownerReferences', () => {
    const secret = {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: {
        name: 's',
        namespace: 'ns',
        uid: 'u-1',
        resourceVersion: '42',
        creationTimestamp: '2025-03-04T05:06:07Z',
        labels: { app: 'x' },
        annotations: { note: 'n' },
        finalizers: ['x.io/f'],
        ownerReferences: [{ kind: 'ConfigMap', name: 'cm', uid: 'o-1', apiVersion: 'v1', controller: true }],
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Apply',
            apiVersion: 'v1',
            time: '2025-03-04T05:06:07Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { 'f:k': {} } },
          },
        ],
      },
      data: { k: Buffer.from([0, 255, 10]).toString('base64') },
      stringData: { s: 'plain' },
      type: 'kubernetes.io/basic-auth',
      immutable: true,
    };
    const d = decodeKubernetesProtobuf(encodeKubernetesProtobuf('v1', 'Secret', secret));
    assert.deepEqual(d.object, secret);
  });
  it('SelfSubjectReview status with extra values', () => {
    const ssr = {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      status: { userInfo: { username: 'alice', groups: ['g'], extra: { scopes: ['a', 'b'] } } },
    };
    assert.deepEqual(
      decodeKubernetesProtobuf(encodeKubernetesProtobuf(ssr.apiVersion, ssr.kind, ssr)).object,
      ssr,
    );
  });
});

describe('decode errors', () => {
  const code = (body: Uint8Array) => {
    try {
      decodeKubernetesProtobuf(body);
    } catch (e) {
      assert.ok(e instanceof StatusError);
      return e.code;
    }
    return 0;
  };
  it('no magic → 400', () => assert.equal(code(Buffer.from('{"kind":"Secret"}')), 400));
  it('garbage after magic → 400', () =>
    assert.equal(code(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff, 0xff])), 400));
  it('unknown kind → 415', () => {
    const body = encodeKubernetesProtobuf('v1', 'Secret', {});
    // Re-wrap with a kind the emulator has no message for.
    const env = Buffer.from(body).toString('latin1').replace('Secret', 'Zecret');
    assert.equal(code(Buffer.from(env, 'latin1')), 415);
  });
});
