import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { openapiV3Document, openapiV3Index } from './openapi.js';

type Obj = Record<string, unknown>;
const index = openapiV3Index().paths as Record<string, { serverRelativeURL: string }>;

describe('openapi v3', () => {
  it('index lists core and rbac group-versions with hashed URLs', () => {
    assert.deepEqual(Object.keys(index).sort(), ['api/v1', 'apis/rbac.authorization.k8s.io/v1']);
    assert.match(index['api/v1']!.serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  });
  it('the hash is the digest of the served document (changes whenever it changes)', () => {
    for (const [gv, { serverRelativeURL }] of Object.entries(index)) {
      const doc = openapiV3Document(serverRelativeURL)!;
      assert.ok(doc, gv);
      const digest = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
      assert.equal(serverRelativeURL.split('hash=')[1], digest);
    }
  });
  const kinds: [string, string, string][] = [
    ['api/v1', '', 'Secret'],
    ['api/v1', '', 'Namespace'],
    ['api/v1', '', 'ServiceAccount'],
    ['apis/rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io', 'Role'],
    ['apis/rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io', 'ClusterRole'],
    ['apis/rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io', 'RoleBinding'],
    ['apis/rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io', 'ClusterRoleBinding'],
  ];
  for (const [gv, group, kind] of kinds) {
    it(`${kind}: a patch operation with its GVK and a fieldValidation query parameter, no requestBody`, () => {
      const doc = openapiV3Document(gv)!;
      assert.equal(doc.openapi, '3.0.0');
      assert.deepEqual(doc.components, { schemas: {} });
      const ops = Object.values(doc.paths as Record<string, Obj>)
        .map((p) => p.patch as Obj | undefined)
        .filter((op) => {
          const g = op?.['x-kubernetes-group-version-kind'] as Obj | undefined;
          return g?.kind === kind && g.group === group && g.version === 'v1';
        });
      assert.equal(ops.length, 1);
      const params = ops[0]!.parameters as { name: string; in: string }[];
      assert.ok(params.some((p) => p.name === 'fieldValidation' && p.in === 'query'));
      assert.equal(ops[0]!.requestBody, undefined);
    });
  }
  it('unknown group-version → undefined (404)', () => {
    assert.equal(openapiV3Document('apis/apps/v1'), undefined);
    assert.ok(openapiV3Document('/api/v1'));
  });
});
