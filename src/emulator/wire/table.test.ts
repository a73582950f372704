import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NAMESPACE } from '../resources/namespace.js';
import { ROLE } from '../resources/role.js';
import { ROLE_BINDING } from '../resources/role-binding.js';
import { SECRET } from '../resources/secret.js';
import { SERVICE_ACCOUNT } from '../resources/service-account.js';
import { StatusError } from '../status.js';
import { humanDuration, shortHumanDuration, toTable, wantsTable } from './table.js';

const NOW = new Date('2025-01-10T00:00:00Z');
const secret = (name: string, created: string, data: Record<string, string> = { k: 'dg==' }) => ({
  kind: 'Secret',
  apiVersion: 'v1',
  metadata: { name, namespace: 'ns', creationTimestamp: created, resourceVersion: '3' },
  data,
  type: 'Opaque',
});

describe('wantsTable', () => {
  const cases: [string | undefined, boolean][] = [
    [
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      true,
    ],
    ['application/json', false],
    ['application/json, */*', false],
    [undefined, false],
  ];
  for (const [accept, want] of cases) it(String(accept), () => assert.equal(wantsTable(accept), want));
});

describe('humanDuration (apimachinery duration.HumanDuration)', () => {
  const s = 1000;
  const cases: [number, string][] = [
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [3 * s, '3s'],
    [119 * s, '119s'],
    [5 * 60 * s, '5m'],
    [(5 * 60 + 7) * s, '5m7s'],
    [45 * 60 * s, '45m'],
    [(3 * 60 + 30) * 60 * s, '3h30m'],
    [20 * 3600 * s, '20h'],
    [(2 * 24 + 5) * 3600 * s, '2d5h'],
    [30 * 24 * 3600 * s, '30d'],
    [(3 * 365 + 10) * 24 * 3600 * s, '3y10d'],
  ];
  for (const [ms, want] of cases) it(want, () => assert.equal(humanDuration(ms), want));
  it('short form', () => {
    assert.equal(shortHumanDuration(3 * s), '3s');
    assert.equal(shortHumanDuration(5 * 60 * s + 7 * s), '5m');
    assert.equal(shortHumanDuration(2 * 24 * 3600 * s), '2d');
  });
});

describe('toTable', () => {
  it('secrets: Name Type Data(integer) Age with swagger descriptions and PartialObjectMetadata rows', () => {
    const t = toTable(SECRET.table, [secret('s1', '2025-01-09T23:59:57Z', { a: 'YQ==', b: 'Yg==' })], {
      resourceVersion: '12',
      now: NOW,
    });
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(t.metadata, { resourceVersion: '12' });
    const cols = t.columnDefinitions as {
      name: string;
      type: string;
      format: string;
      description: string;
      priority: number;
    }[];
    assert.deepEqual(
      cols.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ['Name', 'string', 'name', 0],
        ['Type', 'string', '', 0],
        ['Data', 'string', '', 0],
        ['Age', 'string', '', 0],
      ],
    );
    assert.match(cols[0]!.description, /^Name must be unique within a namespace/);
    assert.match(cols[1]!.description, /^Used to facilitate programmatic handling of secret data/);
    assert.match(cols[2]!.description, /^Data contains the secret data/);
    assert.match(cols[3]!.description, /^CreationTimestamp is a timestamp/);
    const rows = t.rows as { cells: unknown[]; object: Record<string, unknown> }[];
    assert.deepEqual(rows[0]!.cells, ['s1', 'Opaque', 2, '3s']);
    assert.deepEqual(rows[0]!.object, {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {
        name: 's1',
        namespace: 'ns',
        creationTimestamp: '2025-01-09T23:59:57Z',
        resourceVersion: '3',
      },
    });
  });
  it('includeObject None and Object', () => {
    const s = secret('s1', '2025-01-09T23:00:00Z');
    assert.equal(
      (toTable(SECRET.table, [s], { includeObject: 'None', now: NOW }).rows as { object: unknown }[])[0]!
        .object,
      null,
    );
    assert.deepEqual(
      (toTable(SECRET.table, [s], { includeObject: 'Object', now: NOW }).rows as { object: unknown }[])[0]!
        .object,
      s,
    );
  });
  it('unrecognized includeObject → 400', () => {
    try {
      toTable(SECRET.table, [], { includeObject: 'x' });
      assert.fail('expected 400');
    } catch (e) {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 400);
      assert.equal(e.status.message, 'unrecognized includeObject value: "x"');
    }
  });
  it('list metadata carries continue and remainingItemCount', () => {
    const t = toTable(SECRET.table, [], { resourceVersion: '9', continue: 'abc', remainingItemCount: 4 });
    assert.deepEqual(t.metadata, { resourceVersion: '9', continue: 'abc', remainingItemCount: 4 });
    assert.deepEqual(t.rows, []);
  });
  it('watch rows: noHeaders → columnDefinitions null', () => {
    const t = toTable(SECRET.table, [secret('s1', '2025-01-09T23:00:00Z')], { noHeaders: true, now: NOW });
    assert.equal(t.columnDefinitions, null);
    assert.equal((t.rows as unknown[]).length, 1);
  });
  it('namespaces, serviceaccounts, roles, rolebindings', () => {
    const created = '2025-01-08T00:00:00Z';
    const ns = { metadata: { name: 'n', creationTimestamp: created }, status: { phase: 'Active' } };
    assert.deepEqual(
      (toTable(NAMESPACE.table, [ns], { now: NOW }).rows as { cells: unknown[] }[])[0]!.cells,
      ['n', 'Active', '2d'],
    );
    const sa = { metadata: { name: 'sa', creationTimestamp: created }, secrets: [{ name: 'x' }] };
    assert.deepEqual(
      (toTable(SERVICE_ACCOUNT.table, [sa], { now: NOW }).rows as { cells: unknown[] }[])[0]!.cells,
      ['sa', 1, '2d'],
    );
    const role = { metadata: { name: 'r', creationTimestamp: created }, rules: [] };
    const rt = toTable(ROLE.table, [role], { now: NOW });
    assert.deepEqual(
      (rt.columnDefinitions as { name: string }[]).map((c) => c.name),
      ['Name', 'Created At'],
    );
    assert.deepEqual((rt.rows as { cells: unknown[] }[])[0]!.cells, ['r', created]);
    const rb = {
      metadata: { name: 'rb', creationTimestamp: created },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'Group', name: 'g' },
        { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' },
      ],
    };
    const bt = toTable(ROLE_BINDING.table, [rb], { now: NOW });
    assert.deepEqual(
      (bt.columnDefinitions as { name: string; priority: number }[]).map((c) => [c.name, c.priority]),
      [
        ['Name', 0],
        ['Role', 0],
        ['Age', 0],
        ['Users', 1],
        ['Groups', 1],
        ['ServiceAccounts', 1],
      ],
    );
    assert.deepEqual((bt.rows as { cells: unknown[] }[])[0]!.cells, [
      'rb',
      'Role/r',
      '2d',
      'alice',
      'g',
      'ns/sa',
    ]);
  });
});
