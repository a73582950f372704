import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { isInvalid } from '../../core/errors.js';
import { RBAC_NAMES, rbacObjects, renderManifests } from './rbac-manifests.js';

type Obj = {
  kind: string;
  metadata: { name: string; namespace: string };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  subjects?: { kind: string; name: string; namespace: string }[];
  roleRef?: { apiGroup: string; kind: string; name: string };
};

const parse = (yaml: string): Obj[] =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as Obj | null)
    .filter((d): d is Obj => d !== null);

test('same namespace: exactly the documented example (SA, Role create/get/update/delete, RoleBinding)', () => {
  const docs = parse(renderManifests(rbacObjects({ secretsNamespace: 'om' })));
  assert.deepEqual(
    docs.map((d) => [d.kind, d.metadata.name, d.metadata.namespace]),
    [
      ['ServiceAccount', 'openmetadata-secrets-sa', 'om'],
      ['Role', 'openmetadata-secrets-role', 'om'],
      ['RoleBinding', 'openmetadata-secrets-rb', 'om'],
    ],
  );
  assert.deepEqual(docs[1]!.rules, [
    { apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get', 'update', 'delete'] },
  ]);
  assert.deepEqual(docs[2]!.subjects, [
    { kind: 'ServiceAccount', name: 'openmetadata-secrets-sa', namespace: 'om' },
  ]);
  assert.deepEqual(docs[2]!.roleRef, {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'Role',
    name: 'openmetadata-secrets-role',
  });
});

test('different namespaces: SA in the server namespace, Role and binding in the secrets namespace', () => {
  const docs = parse(
    renderManifests(rbacObjects({ secretsNamespace: 'vault', serverNamespace: 'om', serverSa: 'omsm' })),
  );
  assert.deepEqual(
    docs.map((d) => [d.kind, d.metadata.name, d.metadata.namespace]),
    [
      ['ServiceAccount', 'omsm', 'om'],
      ['Role', RBAC_NAMES.serverRole, 'vault'],
      ['RoleBinding', RBAC_NAMES.serverBinding, 'vault'],
    ],
  );
  assert.deepEqual(docs[2]!.subjects, [{ kind: 'ServiceAccount', name: 'omsm', namespace: 'om' }]);
});

test('ingestion SA gets its own get-only Role; --with-list adds the list Role for the server SA', () => {
  const docs = parse(
    renderManifests(
      rbacObjects({
        secretsNamespace: 's',
        ingestionSa: 'airflow',
        ingestionNamespace: 'airflow-ns',
        withList: true,
      }),
    ),
  );
  const byName = new Map(docs.map((d) => [`${d.kind}/${d.metadata.name}`, d]));
  assert.equal(byName.get('ServiceAccount/airflow')?.metadata.namespace, 'airflow-ns');
  assert.deepEqual(byName.get(`Role/${RBAC_NAMES.ingestionRole}`)?.rules?.[0]?.verbs, ['get']);
  assert.deepEqual(byName.get(`RoleBinding/${RBAC_NAMES.ingestionBinding}`)?.subjects, [
    { kind: 'ServiceAccount', name: 'airflow', namespace: 'airflow-ns' },
  ]);
  assert.deepEqual(byName.get(`Role/${RBAC_NAMES.listRole}`)?.rules?.[0]?.verbs, ['list']);
  assert.equal(byName.get(`RoleBinding/${RBAC_NAMES.listBinding}`)?.subjects?.[0]?.name, RBAC_NAMES.serverSa);
  // No Role anywhere grants more than docs/contract.md#rbac allows.
  const verbs = docs.filter((d) => d.kind === 'Role').flatMap((d) => d.rules!.flatMap((r) => r.verbs));
  assert.ok(verbs.every((v) => ['create', 'get', 'update', 'delete', 'list'].includes(v)));
});

test('without --with-list and --ingestion-sa only the server part is printed', () => {
  const kinds = rbacObjects({ secretsNamespace: 'default' }).map((o) => o.kind);
  assert.deepEqual(kinds, ['ServiceAccount', 'Role', 'RoleBinding']);
});

test('bad namespace or ServiceAccount names are usage errors naming the flag', () => {
  assert.throws(
    () => rbacObjects({ secretsNamespace: 'Bad_NS' }),
    (e: unknown) => isInvalid(e) && String((e as Error).message).includes('--secrets-namespace'),
  );
  assert.throws(
    () => rbacObjects({ secretsNamespace: 'ok', serverSa: 'UPPER' }),
    (e: unknown) => String((e as Error).message).includes('--server-sa'),
  );
});

test('rendered YAML has a comment header and one document per object', () => {
  const text = renderManifests(
    rbacObjects({ secretsNamespace: 'default', withList: true }),
    'line one\nline two',
  );
  assert.ok(text.startsWith('# line one\n# line two\n---\n'));
  assert.equal(text.match(/^---$/gm)?.length, 5);
});
