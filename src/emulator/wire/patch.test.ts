import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../status.js';
import { applyPatch, PATCH_TYPES } from './patch.js';

const JP = 'application/json-patch+json';
const MP = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';

const secret = () => ({
  kind: 'Secret',
  apiVersion: 'v1',
  metadata: {
    name: 's',
    namespace: 'ns',
    resourceVersion: '7',
    labels: { a: '1', b: '2' },
    finalizers: ['x.io/one'],
    ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'u1' }],
  },
  data: { k: 'dg==', j: 'dw==' },
  type: 'Opaque',
});

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, `expected StatusError, got ${e}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('applyPatch media types', () => {
  it('415 lists the accepted types exactly', () => {
    const e = statusOf(() => applyPatch('application/json', secret(), '{}'));
    assert.equal(e.code, 415);
    assert.equal(e.status.reason, 'UnsupportedMediaType');
    assert.equal(
      e.status.message,
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
    assert.equal(PATCH_TYPES.length, 4);
  });
  it('charset suffix is ignored', () => {
    const out = applyPatch(`${MP}; charset=utf-8`, secret(), '{"type":"x"}');
    assert.equal(out.type, 'x');
  });
  it('force on a non-apply patch → 422', () => {
    const e = statusOf(() => applyPatch(MP, secret(), '{}', { force: false }));
    assert.equal(e.code, 422);
    assert.equal(
      e.status.message,
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
  });
  it('apply without fieldManager → 422', () => {
    const e = statusOf(() => applyPatch('application/apply-patch+yaml', secret(), '{}'));
    assert.equal(e.code, 422);
    assert.equal(
      e.status.message,
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  });
});

describe('JSON Patch (evanphx v4)', () => {
  const ok: { desc: string; ops: unknown[]; check: (o: Record<string, unknown>) => void }[] = [
    {
      desc: 'add a data key',
      ops: [{ op: 'add', path: '/data/n', value: 'eA==' }],
      check: (o) => assert.equal((o.data as Record<string, string>).n, 'eA=='),
    },
    {
      desc: 'remove a label (~1 escapes)',
      ops: [
        { op: 'add', path: '/metadata/labels/x.io~1y', value: 'z' },
        { op: 'remove', path: '/metadata/labels/x.io~1y' },
      ],
      check: (o) => assert.deepEqual((o.metadata as Record<string, unknown>).labels, { a: '1', b: '2' }),
    },
    {
      desc: 'test then replace',
      ops: [
        { op: 'test', path: '/data/k', value: 'dg==' },
        { op: 'replace', path: '/data/k', value: 'eQ==' },
      ],
      check: (o) => assert.equal((o.data as Record<string, string>).k, 'eQ=='),
    },
    {
      desc: 'move and copy',
      ops: [
        { op: 'move', from: '/data/k', path: '/data/m' },
        { op: 'copy', from: '/data/j', path: '/data/c' },
      ],
      check: (o) => assert.deepEqual(o.data, { j: 'dw==', m: 'dg==', c: 'dw==' }),
    },
    {
      desc: 'append to a list with -',
      ops: [{ op: 'add', path: '/metadata/finalizers/-', value: 'x.io/two' }],
      check: (o) =>
        assert.deepEqual((o.metadata as Record<string, unknown>).finalizers, ['x.io/one', 'x.io/two']),
    },
    {
      desc: 'replace on a missing object key succeeds (v4 quirk)',
      ops: [{ op: 'replace', path: '/data/new', value: 'eA==' }],
      check: (o) => assert.equal((o.data as Record<string, string>).new, 'eA=='),
    },
  ];
  for (const c of ok) {
    it(c.desc, () => {
      const before = secret();
      c.check(applyPatch(JP, before, JSON.stringify(c.ops)));
      assert.deepEqual(before, secret(), 'input not mutated');
    });
  }

  const bad: { desc: string; ops: unknown; cause: string }[] = [
    {
      desc: 'add under a missing parent',
      ops: [{ op: 'add', path: '/x/y', value: 1 }],
      cause: 'add operation does not apply: doc is missing path: "/x/y": missing value',
    },
    {
      desc: 'remove a missing key',
      ops: [{ op: 'remove', path: '/data/nope' }],
      cause: "error in remove for path: '/data/nope': Unable to remove nonexistent key: nope: missing value",
    },
    {
      desc: 'remove under a missing parent',
      ops: [{ op: 'remove', path: '/x/y' }],
      cause: 'remove operation does not apply: doc is missing path: "/x/y": missing value',
    },
    {
      desc: 'failed test',
      ops: [{ op: 'test', path: '/data/k', value: 'other' }],
      cause: 'testing value /data/k failed: test failed',
    },
    { desc: 'unknown op', ops: [{ op: 'frobnicate', path: '/x' }], cause: 'Unexpected kind: frobnicate' },
  ];
  for (const c of bad) {
    it(`422: ${c.desc}`, () => {
      const e = statusOf(() => applyPatch(JP, secret(), JSON.stringify(c.ops)));
      assert.equal(e.code, 422);
      assert.equal(e.status.reason, 'Invalid');
      assert.equal(e.status.message, 'the server rejected our request due to an error in our request');
      assert.deepEqual(e.status.details?.causes, [{ reason: 'UnexpectedServerResponse', message: c.cause }]);
    });
  }
  it('400 for a body that is not a patch array', () => {
    const e = statusOf(() => applyPatch(JP, secret(), '{"data":{}}'));
    assert.equal(e.code, 400);
    assert.equal(e.status.message, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  });
  it('400 for invalid JSON', () => {
    const e = statusOf(() => applyPatch(JP, secret(), 'nope'));
    assert.equal(e.code, 400);
    assert.equal(e.status.message, "invalid character 'n' looking for beginning of value");
  });
  it('413 above 10000 operations', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/type', value: 'Opaque' }));
    const e = statusOf(() => applyPatch(JP, secret(), JSON.stringify(ops)));
    assert.equal(e.code, 413);
    assert.equal(e.status.reason, 'RequestEntityTooLarge');
    assert.match(e.status.message!, /The allowed maximum operations in a JSON patch is 10000, got 10001/);
  });
});

describe('merge patch (RFC 7386)', () => {
  it('null deletes, objects merge, lists replace', () => {
    const out = applyPatch(
      MP,
      secret(),
      JSON.stringify({
        data: { j: null, n: 'eA==' },
        metadata: { labels: { a: null }, finalizers: ['y.io/z'] },
      }),
    );
    assert.deepEqual(out.data, { k: 'dg==', n: 'eA==' });
    const m = out.metadata as Record<string, unknown>;
    assert.deepEqual(m.labels, { b: '2' });
    assert.deepEqual(m.finalizers, ['y.io/z']);
  });
  it('400 Invalid JSON Patch for undecodable JSON', () => {
    const e = statusOf(() => applyPatch(MP, secret(), '{'));
    assert.equal(e.code, 400);
    assert.equal(e.status.message, 'Invalid JSON Patch');
  });
});

describe('strategic merge patch', () => {
  const cases: { desc: string; patch: unknown; check: (o: Record<string, unknown>) => void }[] = [
    {
      desc: 'behaves like merge for maps',
      patch: { data: { j: null, n: 'eA==' } },
      check: (o) => assert.deepEqual(o.data, { k: 'dg==', n: 'eA==' }),
    },
    {
      desc: 'finalizers merge as a set',
      patch: { metadata: { finalizers: ['x.io/one', 'x.io/two'] } },
      check: (o) =>
        assert.deepEqual((o.metadata as Record<string, unknown>).finalizers, ['x.io/one', 'x.io/two']),
    },
    {
      desc: '$deleteFromPrimitiveList removes finalizers',
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['x.io/one'] } },
      check: (o) => assert.deepEqual((o.metadata as Record<string, unknown>).finalizers, []),
    },
    {
      desc: 'ownerReferences merge by uid, $patch delete removes one',
      patch: {
        metadata: {
          ownerReferences: [
            { uid: 'u1', $patch: 'delete' },
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm2', uid: 'u2' },
          ],
        },
      },
      check: (o) =>
        assert.deepEqual((o.metadata as Record<string, unknown>).ownerReferences, [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm2', uid: 'u2' },
        ]),
    },
    {
      desc: '$patch replace on a map',
      patch: { data: { $patch: 'replace', only: 'eA==' } },
      check: (o) => assert.deepEqual(o.data, { only: 'eA==' }),
    },
    {
      desc: '$patch delete on a map',
      patch: { metadata: { labels: { $patch: 'delete' } } },
      check: (o) => assert.equal((o.metadata as Record<string, unknown>).labels, undefined),
    },
    {
      desc: '$retainKeys drops unlisted keys',
      patch: { data: { $retainKeys: ['k', 'n'], n: 'eA==' } },
      check: (o) => assert.deepEqual(o.data, { k: 'dg==', n: 'eA==' }),
    },
    {
      desc: '$setElementOrder orders a merged list',
      patch: {
        metadata: { '$setElementOrder/finalizers': ['x.io/two', 'x.io/one'], finalizers: ['x.io/two'] },
      },
      check: (o) =>
        assert.deepEqual((o.metadata as Record<string, unknown>).finalizers, ['x.io/two', 'x.io/one']),
    },
    {
      desc: 'kubectl apply style patch (annotation + data)',
      patch: {
        data: { k: 'eg==' },
        metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      },
      check: (o) => {
        assert.equal((o.data as Record<string, string>).k, 'eg==');
        assert.equal(
          ((o.metadata as Record<string, unknown>).annotations as Record<string, string>)[
            'kubectl.kubernetes.io/last-applied-configuration'
          ],
          '{}',
        );
      },
    },
  ];
  for (const c of cases) it(c.desc, () => c.check(applyPatch(SMP, secret(), JSON.stringify(c.patch))));
  it('unknown $patch value → 400', () => {
    const e = statusOf(() => applyPatch(SMP, secret(), JSON.stringify({ data: { $patch: 'bogus' } })));
    assert.equal(e.code, 400);
  });
  it('400 for a non-object body', () => {
    assert.equal(statusOf(() => applyPatch(SMP, secret(), '[]')).code, 400);
  });
});
