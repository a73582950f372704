/**
 * kube-emulator REST semantics beyond plain CRUD, over HTTPS with real clients: routing edge
 * cases, content types, size limits, immutability, server-side apply, deletecollection, namespace
 * deletion, Tables, YAML bodies, legacy watch paths, bookmarks, 410 after a restart, rules reviews.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AuthorizationV1Api,
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { type KubeEmulator, startEmulator } from '../src/emulator/index.js';
import { apiError, fetchRaw, kcFrom, type StatusBody } from './support/emulator-requests.js';

const NS = 'sem';
const JSON_CT = { 'content-type': 'application/json' };

/** Collects watch lines from a raw HTTPS watch until the server ends the stream. */
async function rawWatch(emu: KubeEmulator, path: string): Promise<{ type: string; object: StatusBody }[]> {
  const r = await fetchRaw(emu, path);
  assert.equal(r.status, 200);
  return r.body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('kube-emulator REST semantics', () => {
  let emu: KubeEmulator;
  let kc: KubeConfig;
  let core: CoreV1Api;

  before(async () => {
    emu = await startEmulator({ namespaces: [NS] });
    kc = kcFrom(emu.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
  });
  after(async () => {
    await emu.close();
  });

  test('a Secret may be named like its resource ("secrets")', async () => {
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'secrets' } } });
    const s = await core.readNamespacedSecret({ name: 'secrets', namespace: NS });
    assert.equal(s.metadata?.name, 'secrets');
    await core.deleteNamespacedSecret({ name: 'secrets', namespace: NS });
  });

  test('415 for unknown body and patch media types; 413 above 3 MiB', async () => {
    const create = await fetchRaw(
      emu,
      `/api/v1/namespaces/${NS}/secrets`,
      { 'content-type': 'text/plain' },
      true,
      {
        method: 'POST',
        body: 'x',
      },
    );
    assert.equal(create.status, 415);
    assert.equal(JSON.parse(create.body).reason, 'UnsupportedMediaType');
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'p415' } } });
    const patch = await fetchRaw(emu, `/api/v1/namespaces/${NS}/secrets/p415`, JSON_CT, true, {
      method: 'PATCH',
      body: '{}',
    });
    assert.equal(patch.status, 415);
    assert.equal(
      JSON.parse(patch.body).message,
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
    const big = JSON.stringify({ metadata: { name: 'big' }, data: { k: 'A'.repeat(3 * 1024 * 1024 + 4) } });
    const tooLarge = await fetchRaw(emu, `/api/v1/namespaces/${NS}/secrets`, JSON_CT, true, {
      method: 'POST',
      body: big,
    });
    assert.equal(tooLarge.status, 413);
    assert.equal(JSON.parse(tooLarge.body).message, 'Request entity too large: limit is 3145728');
  });

  test('data over 1 MiB → 422 Too long; nothing stored', async () => {
    const r = await apiError(() =>
      core.createNamespacedSecret({
        namespace: NS,
        body: { metadata: { name: 'huge' }, data: { k: Buffer.alloc(1024 * 1024 + 1).toString('base64') } },
      }),
    );
    assert.equal(r.code, 422);
    assert.equal(r.body?.details?.causes?.[0]?.reason, 'FieldValueTooLong');
    assert.equal(r.body?.details?.causes?.[0]?.field, 'data');
    assert.equal(
      (await apiError(() => core.readNamespacedSecret({ name: 'huge', namespace: NS }))).code,
      404,
    );
  });

  test('immutable Secret: data changes are 422 Forbidden, label changes pass, delete works', async () => {
    const s = await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'frozen' }, immutable: true, stringData: { a: '1' } },
    });
    const r = await apiError(() =>
      core.replaceNamespacedSecret({ name: 'frozen', namespace: NS, body: { ...s, stringData: { a: '2' } } }),
    );
    assert.equal(r.code, 422);
    assert.equal(r.body?.details?.causes?.[0]?.field, 'data');
    assert.match(r.body?.message, /field is immutable when `immutable` is set/);
    const labelled = await core.patchNamespacedSecret(
      { name: 'frozen', namespace: NS, body: { metadata: { labels: { x: 'y' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.equal(labelled.metadata?.labels?.x, 'y');
    await core.deleteNamespacedSecret({ name: 'frozen', namespace: NS });
  });

  test('server-side apply creates (201), records the Apply manager, and conflicts with another manager', async () => {
    const apply = (manager: string, value: string, force?: boolean) =>
      fetchRaw(
        emu,
        `/api/v1/namespaces/${NS}/secrets/ssa?fieldManager=${manager}${force ? '&force=true' : ''}`,
        { 'content-type': 'application/apply-patch+yaml' },
        true,
        {
          method: 'PATCH',
          body: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ssa\ndata:\n  k: ${Buffer.from(value).toString('base64')}\n`,
        },
      );
    const first = await apply('alpha', 'one');
    assert.equal(first.status, 201, first.body);
    const obj = JSON.parse(first.body);
    assert.equal(obj.metadata.managedFields[0].manager, 'alpha');
    assert.equal(obj.metadata.managedFields[0].operation, 'Apply');
    const conflict = await apply('beta', 'two');
    assert.equal(conflict.status, 409);
    assert.match(JSON.parse(conflict.body).message, /^Apply failed with 1 conflict: conflict with "alpha"/);
    const forced = await apply('beta', 'two', true);
    assert.equal(forced.status, 200);
    assert.equal(Buffer.from(JSON.parse(forced.body).data.k, 'base64').toString(), 'two');
  });

  test('generateName, YAML bodies and the Table format', async () => {
    const gen = await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { generateName: 'gen-' } },
    });
    assert.match(gen.metadata!.name!, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const y = await fetchRaw(
      emu,
      `/api/v1/namespaces/${NS}/secrets`,
      { 'content-type': 'application/yaml' },
      true,
      {
        method: 'POST',
        body: 'metadata:\n  name: from-yaml\nstringData:\n  a: b\n',
      },
    );
    assert.equal(y.status, 201, y.body);
    assert.equal(y.headers['content-type'], 'application/json');
    const t = await fetchRaw(emu, `/api/v1/namespaces/${NS}/secrets/from-yaml`, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    const table = JSON.parse(t.body);
    assert.equal(table.kind, 'Table');
    assert.deepEqual(
      table.columnDefinitions.map((c: { name: string }) => c.name),
      ['Name', 'Type', 'Data', 'Age'],
    );
    assert.deepEqual(table.rows[0].cells.slice(0, 3), ['from-yaml', 'Opaque', 1]);
  });

  test('deletecollection by label; namespace deletion removes its contents', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    for (const n of ['a', 'b', 'c']) {
      await core.createNamespacedSecret({
        namespace: 'doomed',
        body: { metadata: { name: n, labels: { drop: n === 'c' ? 'no' : 'yes' } } },
      });
    }
    const deleted = await core.deleteCollectionNamespacedSecret({
      namespace: 'doomed',
      labelSelector: 'drop=yes',
    });
    assert.equal((deleted as { kind?: string }).kind, 'SecretList');
    const left = await core.listNamespacedSecret({ namespace: 'doomed' });
    assert.deepEqual(
      left.items.map((s) => s.metadata?.name),
      ['c'],
    );
    const ns = await core.deleteNamespace({ name: 'doomed' });
    assert.equal((ns as { status?: { phase?: string } }).status?.phase, 'Terminating');
    assert.equal((await apiError(() => core.readNamespace({ name: 'doomed' }))).code, 404);
    const all = await core.listSecretForAllNamespaces({ fieldSelector: 'metadata.namespace=doomed' });
    assert.equal(all.items.length, 0);
  });

  test('legacy /watch/ path, timeoutSeconds and bookmarks', async () => {
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'watched' } } });
    const events = await rawWatch(
      emu,
      `/api/v1/watch/namespaces/${NS}/secrets/watched?timeoutSeconds=3&allowWatchBookmarks=true`,
    );
    assert.equal(events[0]?.type, 'ADDED');
    assert.equal(events[0]?.object.metadata.name, 'watched');
    assert.equal(events[0]?.object.kind, 'Secret');
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    assert.ok(bookmark, 'expected a BOOKMARK within 3 s');
    assert.equal(bookmark.object.kind, 'Secret');
    assert.ok(Number(bookmark.object.metadata.resourceVersion) > 0);
    assert.ok(events.every((e) => e.type === 'ADDED' || e.type === 'BOOKMARK'));
  });

  test('watch with Python-style watch=True and a label selector sees selector transitions', async () => {
    const watch = new Watch(kc);
    const seen: string[] = [];
    const list = await core.listNamespacedSecret({ namespace: NS });
    let release!: () => void;
    const done = new Promise<void>((r) => {
      release = r;
    });
    const ctrl = await watch.watch(
      `/api/v1/namespaces/${NS}/secrets`,
      { resourceVersion: list.metadata!.resourceVersion!, labelSelector: 'phase=on' },
      (type, obj) => {
        seen.push(`${type}:${obj.metadata.name}`);
        if (seen.length === 2) release();
      },
      () => {},
    );
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'flip' } } });
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await core.patchNamespacedSecret(
      { name: 'flip', namespace: NS, body: { metadata: { labels: { phase: 'on' } } } },
      merge,
    );
    await core.patchNamespacedSecret(
      { name: 'flip', namespace: NS, body: { metadata: { labels: { phase: 'off' } } } },
      merge,
    );
    await done;
    ctrl.abort();
    assert.deepEqual(seen, ['ADDED:flip', 'DELETED:flip']);
    const py = await rawWatch(
      emu,
      `/api/v1/namespaces/${NS}/secrets?watch=True&timeoutSeconds=1&fieldSelector=metadata.name=flip`,
    );
    assert.deepEqual(
      py.map((e) => e.type),
      ['ADDED'],
    );
  });

  test('SelfSubjectRulesReview lists the bound rules', async () => {
    await emu.apply([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'reader', namespace: NS },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['one'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'reader', namespace: NS },
        subjects: [{ kind: 'User', name: 'alice' }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      },
    ]);
    const alice = kcFrom(await emu.writeClientCertKubeconfig('alice', ['team'])).makeApiClient(
      AuthorizationV1Api,
    );
    const r = await alice.createSelfSubjectRulesReview({ body: { spec: { namespace: NS } } });
    assert.ok(
      r.status?.resourceRules.some(
        (x) =>
          x.verbs.includes('get') && x.resources?.includes('secrets') && x.resourceNames?.includes('one'),
      ),
    );
    assert.ok(r.status?.nonResourceRules.some((x) => x.nonResourceURLs?.includes('/version')));
    const aliceCore = kcFrom(await emu.writeClientCertKubeconfig('alice', ['team'])).makeApiClient(CoreV1Api);
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'one' } } });
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'two' } } });
    assert.equal(
      (await aliceCore.readNamespacedSecret({ name: 'one', namespace: NS })).metadata?.name,
      'one',
    );
    const two = await apiError(() => aliceCore.readNamespacedSecret({ name: 'two', namespace: NS }));
    assert.equal(two.code, 403);
    assert.equal(
      two.body?.message,
      'secrets "two" is forbidden: User "alice" cannot get resource "secrets" in API group "" in the namespace "sem"',
    );
  });
});

describe('kube-emulator watch after a restart', () => {
  test('a watch from a resourceVersion older than the restart gets a 410 ERROR event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-410-'));
    const stateFile = join(dir, 'state.json');
    const first = await startEmulator({ dir, stateFile, namespaces: [NS] });
    const core = kcFrom(first.kubeconfigPath).makeApiClient(CoreV1Api);
    const s = await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'old' } } });
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'newer' } } });
    await first.close();
    const second = await startEmulator({ dir, stateFile });
    try {
      const events = await rawWatch(
        second,
        `/api/v1/namespaces/${NS}/secrets?watch=true&timeoutSeconds=5&resourceVersion=${s.metadata!.resourceVersion}`,
      );
      assert.equal(events.length, 1);
      assert.equal(events[0]!.type, 'ERROR');
      assert.equal(events[0]!.object.code, 410);
      assert.equal(events[0]!.object.reason, 'Expired');
      assert.match(events[0]!.object.message, /^too old resource version: \d+ \(\d+\)$/);
    } finally {
      await second.close();
    }
  });
});
