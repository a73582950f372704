import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../status.js';
import { managerName, recordWrite } from './managed-fields.js';
import { applyPatch } from './patch.js';

type Obj = Record<string, unknown>;
const T1 = new Date('2025-01-01T00:00:00.250Z');
const T2 = new Date('2025-01-01T00:01:00Z');
const APPLY = 'application/apply-patch+yaml';

const secret = (data: Record<string, string>, meta: Obj = {}): Obj => ({
  kind: 'Secret',
  apiVersion: 'v1',
  metadata: { name: 's', namespace: 'ns', uid: 'u', resourceVersion: '1', ...meta },
  data,
  type: 'Opaque',
});
const mf = (o: Obj) => (o.metadata as Obj).managedFields as Obj[] | undefined;

describe('managerName', () => {
  const cases = [
    { fm: 'kubectl-create', ua: 'kubectl/v1.32.4 (linux/amd64)', want: 'kubectl-create' },
    { fm: undefined, ua: 'kubernetes-client-javascript/2.0.1', want: 'kubernetes-client-javascript' },
    { fm: undefined, ua: 'OpenAPI-Generator/22.6.0/python', want: 'OpenAPI-Generator' },
    { fm: '', ua: undefined, want: '' },
  ];
  for (const c of cases) it(`${c.fm}/${c.ua}`, () => assert.equal(managerName(c.fm, c.ua), c.want));
});

describe('recordWrite (Update entries)', () => {
  it('create records data, type and labels like kubectl create', () => {
    const next = secret({ password: 'cA==', user: 'dQ==' }, { labels: { app: 'x' } });
    recordWrite(next, undefined, 'kubectl-create', 'Update', T1);
    assert.deepEqual(mf(next), [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2025-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:data': { '.': {}, 'f:password': {}, 'f:user': {} },
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:type': {},
        },
      },
    ]);
  });

  it('an update moves changed fields to the writer and leaves the rest', () => {
    const old = secret({ a: 'YQ==', b: 'Yg==' });
    recordWrite(old, undefined, 'kubectl-create', 'Update', T1);
    const next = structuredClone(old);
    (next.data as Obj).b = 'Qg==';
    recordWrite(next, old, 'omsm', 'Update', T2);
    const entries = mf(next)!;
    assert.deepEqual(
      entries.map((e) => [e.manager, e.fieldsV1]),
      [
        ['kubectl-create', { 'f:data': { '.': {}, 'f:a': {} }, 'f:type': {} }],
        ['omsm', { 'f:data': { 'f:b': {} } }],
      ],
    );
    assert.equal(entries[1]!.time, '2025-01-01T00:01:00Z');
  });

  it('a write that changes nothing keeps timestamps and entries', () => {
    const old = secret({ a: 'YQ==' });
    recordWrite(old, undefined, 'm1', 'Update', T1);
    const next = structuredClone(old);
    recordWrite(next, old, 'm2', 'Update', T2);
    assert.deepEqual(mf(next), mf(old));
  });

  it('removed fields leave every manager; an emptied manager disappears', () => {
    const old = secret({ a: 'YQ==' });
    recordWrite(old, undefined, 'm1', 'Update', T1);
    const next = structuredClone(old);
    (next.data as Obj).a = undefined;
    delete (next.data as Obj).a;
    (next.data as Obj).z = 'eg==';
    recordWrite(next, old, 'm2', 'Update', T2);
    assert.deepEqual(
      mf(next)!.map((e) => [e.manager, e.fieldsV1]),
      [
        ['m1', { 'f:data': {}, 'f:type': {} }],
        ['m2', { 'f:data': { 'f:z': {} } }],
      ],
    );
  });

  it('client-written managedFields replace the live ones (kubectl CSA→SSA migration)', () => {
    const old = secret({ a: 'YQ==' });
    recordWrite(old, undefined, 'kubectl-client-side-apply', 'Update', T1);
    const written = [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: '2025-01-01T00:00:30Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {} } },
      },
    ];
    const next = structuredClone(old);
    (next.metadata as Obj).managedFields = written;
    recordWrite(next, old, 'kubectl', 'Update', T2);
    assert.deepEqual(mf(next), written);
  });

  it('[{}] strips managedFields entirely', () => {
    const old = secret({ a: 'YQ==' });
    recordWrite(old, undefined, 'm1', 'Update', T1);
    const next = structuredClone(old);
    (next.metadata as Obj).managedFields = [{}];
    recordWrite(next, old, 'm1', 'Update', T2);
    assert.equal(mf(next), undefined);
  });
});

function ssa(
  current: Obj,
  body: Obj,
  manager: string,
  opts: { force?: boolean; creating?: boolean } = {},
): Obj {
  return applyPatch(APPLY, current, JSON.stringify(body), { fieldManager: manager, ...opts, now: T2 });
}
const applied = (data: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'ns' },
  data,
});

describe('server-side apply', () => {
  it('creates with an Apply entry that owns only the applied leaves', () => {
    const skeleton = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's', namespace: 'ns' } };
    const out = ssa(skeleton, applied({ k: 'dg==' }), 'kubectl', { creating: true });
    assert.deepEqual(out.data, { k: 'dg==' });
    assert.deepEqual(mf(out), [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: '2025-01-01T00:01:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:k': {} } },
      },
    ]);
    // The server's create path then calls recordWrite(…, 'Update'); the Apply entry must survive.
    recordWrite(out, undefined, 'kubectl', 'Update', T2);
    assert.equal(mf(out)![0]!.operation, 'Apply');
  });

  it('conflict with another manager → 409 with FieldManagerConflict causes', () => {
    const live = secret({ k: 'dg==' });
    recordWrite(live, undefined, 'kubectl-create', 'Update', T1);
    try {
      ssa(live, applied({ k: 'eA==' }), 'kubectl');
      assert.fail('expected a conflict');
    } catch (e) {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 409);
      assert.deepEqual(e.status, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .data.k',
        reason: 'Conflict',
        details: {
          causes: [
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "kubectl-create" using v1',
              field: '.data.k',
            },
          ],
        },
        code: 409,
      });
    }
  });

  it('several conflicts are grouped by manager', () => {
    const live = secret({ a: 'YQ==', b: 'Yg==' });
    recordWrite(live, undefined, 'kubectl-create', 'Update', T1);
    try {
      ssa(live, applied({ a: 'eA==', b: 'eA==' }), 'kubectl');
      assert.fail('expected a conflict');
    } catch (e) {
      assert.ok(e instanceof StatusError);
      assert.equal(
        e.status.message,
        'Apply failed with 2 conflicts: conflicts with "kubectl-create" using v1:\n- .data.a\n- .data.b',
      );
    }
  });

  it('same value is shared ownership, not a conflict', () => {
    const live = secret({ k: 'dg==' });
    recordWrite(live, undefined, 'kubectl-create', 'Update', T1);
    const out = ssa(live, applied({ k: 'dg==' }), 'kubectl');
    assert.deepEqual(
      mf(out)!.map((e) => [e.manager, e.operation]),
      [
        ['kubectl', 'Apply'],
        ['kubectl-create', 'Update'],
      ],
    );
  });

  it('force takes ownership from the other manager', () => {
    const live = secret({ k: 'dg==', other: 'bw==' });
    recordWrite(live, undefined, 'kubectl-create', 'Update', T1);
    const out = ssa(live, applied({ k: 'eA==' }), 'kubectl', { force: true });
    assert.equal((out.data as Obj).k, 'eA==');
    const byManager = Object.fromEntries(mf(out)!.map((e) => [e.manager, e.fieldsV1]));
    assert.deepEqual(byManager.kubectl, { 'f:data': { 'f:k': {} } });
    assert.deepEqual(byManager['kubectl-create'], { 'f:data': { '.': {}, 'f:other': {} }, 'f:type': {} });
  });

  it('fields applied before and omitted now are removed', () => {
    const skeleton = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's', namespace: 'ns' } };
    const first = ssa(skeleton, applied({ a: 'YQ==', b: 'Yg==' }), 'kubectl', { creating: true });
    const second = ssa(first, applied({ a: 'YQ==' }), 'kubectl');
    assert.deepEqual(second.data, { a: 'YQ==' });
    assert.deepEqual(mf(second)![0]!.fieldsV1, { 'f:data': { 'f:a': {} } });
  });

  it('a YAML body works', () => {
    const skeleton = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's', namespace: 'ns' } };
    const yaml =
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  labels:\n    app: x\nstringData:\n  k: v\n';
    const out = applyPatch(APPLY, skeleton, yaml, { fieldManager: 'kubectl', creating: true, now: T2 });
    assert.deepEqual(out.stringData, { k: 'v' });
    assert.deepEqual(mf(out)![0]!.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:stringData': { 'f:k': {} },
    });
  });

  it('wrong apiVersion in the body → 400', () => {
    try {
      ssa(secret({}), { ...applied({}), apiVersion: 'v2' }, 'kubectl');
      assert.fail('expected 400');
    } catch (e) {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 400);
      assert.equal(
        e.status.message,
        'Incorrect version specified in apply patch. Specified patch version: v2, expected: v1',
      );
    }
  });
});
