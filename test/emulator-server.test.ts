/**
 * kube-emulator over real HTTPS with the real @kubernetes/client-node 1.4: CRUD, list/selectors/
 * pagination, watch + resume, error codes and bodies, authentication, RBAC with omsm's server Role (docs/contract.md#rbac),
 * in-cluster config, token rotation, state file, faults and the audit log.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { type KubeEmulator, startEmulator } from '../src/emulator/index.js';
import { apiError, fetchRaw, kcFrom } from './support/emulator-requests.js';

const SECRETS_NS = 'secrets';
const OM_NS = 'om';

const seedRbac = (
  verbs: string[],
  roleName = 'openmetadata-secrets-role',
  sa = 'openmetadata-secrets-sa',
) => [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: OM_NS } },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: roleName, namespace: SECRETS_NS },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `${roleName}-rb`, namespace: SECRETS_NS },
    subjects: [{ kind: 'ServiceAccount', name: sa, namespace: OM_NS }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
  },
];

describe('kube-emulator with @kubernetes/client-node', () => {
  let emu: KubeEmulator;
  let core: CoreV1Api;
  let kc: KubeConfig;

  before(async () => {
    emu = await startEmulator({ namespaces: [SECRETS_NS, OM_NS, 'other'] });
    kc = kcFrom(emu.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
  });
  after(async () => {
    await emu.close();
  });

  test('Secret CRUD: create with stringData, get, update, stale update, delete, 404', async () => {
    const created = await core.createNamespacedSecret({
      namespace: SECRETS_NS,
      body: { metadata: { name: 'crud', labels: { app: 'x' } }, stringData: { password: 'p1' } },
    });
    assert.equal(created.type, 'Opaque');
    assert.equal(created.metadata?.namespace, SECRETS_NS);
    assert.ok(created.metadata?.uid);
    assert.equal((created as Record<string, unknown>).stringData, undefined);
    assert.equal(Buffer.from(created.data!.password!, 'base64').toString(), 'p1');

    const got = await core.readNamespacedSecret({ name: 'crud', namespace: SECRETS_NS });
    assert.equal(got.metadata?.resourceVersion, created.metadata?.resourceVersion);

    const updated = await core.replaceNamespacedSecret({
      name: 'crud',
      namespace: SECRETS_NS,
      body: { ...got, data: { password: Buffer.from('p2').toString('base64') } },
    });
    assert.notEqual(updated.metadata?.resourceVersion, got.metadata?.resourceVersion);
    assert.equal(updated.metadata?.uid, got.metadata?.uid);

    const stale = await apiError(() =>
      core.replaceNamespacedSecret({ name: 'crud', namespace: SECRETS_NS, body: got }),
    );
    assert.equal(stale.code, 409);
    assert.equal(stale.body?.reason, 'Conflict');
    assert.match(
      stale.body?.message,
      /^Operation cannot be fulfilled on secrets "crud": the object has been modified/,
    );

    // A no-op update does not bump the resourceVersion.
    const same = await core.replaceNamespacedSecret({ name: 'crud', namespace: SECRETS_NS, body: updated });
    assert.equal(same.metadata?.resourceVersion, updated.metadata?.resourceVersion);

    const exists = await apiError(() =>
      core.createNamespacedSecret({ namespace: SECRETS_NS, body: { metadata: { name: 'crud' } } }),
    );
    assert.equal(exists.code, 409);
    assert.equal(exists.body?.reason, 'AlreadyExists');
    assert.equal(exists.body?.message, 'secrets "crud" already exists');

    const status = await core.deleteNamespacedSecret({ name: 'crud', namespace: SECRETS_NS });
    assert.equal(status.status, 'Success');
    assert.equal(status.details?.name, 'crud');
    assert.equal(status.code, undefined);

    const missing = await apiError(() => core.readNamespacedSecret({ name: 'crud', namespace: SECRETS_NS }));
    assert.equal(missing.code, 404);
    assert.deepEqual(missing.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'secrets "crud" not found',
      reason: 'NotFound',
      details: { name: 'crud', kind: 'secrets' },
      code: 404,
    });
    const missingDelete = await apiError(() =>
      core.deleteNamespacedSecret({ name: 'crud', namespace: SECRETS_NS }),
    );
    assert.equal(missingDelete.code, 404);
  });

  test('create in a missing namespace is 404 namespaces "x" not found; PUT never creates', async () => {
    const r = await apiError(() =>
      core.createNamespacedSecret({ namespace: 'nope', body: { metadata: { name: 's' } } }),
    );
    assert.equal(r.code, 404);
    assert.equal(r.body?.message, 'namespaces "nope" not found');
    const put = await apiError(() =>
      core.replaceNamespacedSecret({
        name: 'ghost',
        namespace: SECRETS_NS,
        body: { metadata: { name: 'ghost' } },
      }),
    );
    assert.equal(put.code, 404);
  });

  test('invalid name → 422 Invalid with cause on metadata.name', async () => {
    const r = await apiError(() =>
      core.createNamespacedSecret({ namespace: SECRETS_NS, body: { metadata: { name: 'Bad_Name' } } }),
    );
    assert.equal(r.code, 422);
    assert.equal(r.body?.reason, 'Invalid');
    assert.equal(r.body?.details?.kind, 'Secret');
    assert.equal(r.body?.details?.causes?.[0]?.field, 'metadata.name');
    assert.match(
      r.body?.message,
      /^Secret "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
  });

  test('bad base64 → 400; strict unknown field → 400; dry-run stores nothing', async () => {
    const b = await apiError(() =>
      core.createNamespacedSecret({
        namespace: SECRETS_NS,
        body: { metadata: { name: 'b64' }, data: { k: '!!!' } },
      }),
    );
    assert.equal(b.code, 400);
    assert.match(
      b.body?.message,
      /^Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0/,
    );
    // client-node's serializer drops unknown fields, so send this one raw.
    const strict = await fetchRaw(
      emu,
      `/api/v1/namespaces/${SECRETS_NS}/secrets?fieldValidation=Strict`,
      { 'content-type': 'application/json' },
      true,
      { method: 'POST', body: '{"metadata":{"name":"strict"},"spec":{}}' },
    );
    assert.equal(strict.status, 400);
    assert.equal(
      JSON.parse(strict.body).message,
      'Secret in version "v1" cannot be handled as a Secret: strict decoding error: unknown field "spec"',
    );
    const warn = await fetchRaw(
      emu,
      `/api/v1/namespaces/${SECRETS_NS}/secrets`,
      { 'content-type': 'application/json' },
      true,
      { method: 'POST', body: '{"metadata":{"name":"warned"},"spec":{}}' },
    );
    assert.equal(warn.status, 201);
    assert.match(String(warn.headers.warning), /unknown field \\"spec\\"/);
    const dry = await core.createNamespacedSecret({
      namespace: SECRETS_NS,
      dryRun: 'All',
      body: { metadata: { name: 'dry' } },
    });
    assert.equal(dry.metadata?.name, 'dry');
    assert.equal(
      (await apiError(() => core.readNamespacedSecret({ name: 'dry', namespace: SECRETS_NS }))).code,
      404,
    );
  });

  test('merge patch; a patch carrying a stale resourceVersion is a 409', async () => {
    const s = await core.createNamespacedSecret({
      namespace: SECRETS_NS,
      body: { metadata: { name: 'patchme' } },
    });
    const patched = await core.patchNamespacedSecret(
      { name: 'patchme', namespace: SECRETS_NS, body: { metadata: { labels: { a: 'b' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.equal(patched.metadata?.labels?.a, 'b');
    const r = await apiError(() =>
      core.patchNamespacedSecret(
        {
          name: 'patchme',
          namespace: SECRETS_NS,
          body: { metadata: { resourceVersion: s.metadata!.resourceVersion, labels: { a: 'c' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    assert.equal(r.code, 409);
    assert.equal(r.body?.reason, 'Conflict');
  });

  test('list: label and field selectors, limit/continue with remainingItemCount', async () => {
    for (const [i, tier] of [
      [1, 'a'],
      [2, 'b'],
      [3, 'a'],
      [4, 'a'],
      [5, 'b'],
    ] as const) {
      await core.createNamespacedSecret({
        namespace: SECRETS_NS,
        body: { metadata: { name: `page-${i}`, labels: { suite: 'list', tier } } },
      });
    }
    const a = await core.listNamespacedSecret({ namespace: SECRETS_NS, labelSelector: 'suite=list,tier=a' });
    assert.deepEqual(
      a.items.map((s) => s.metadata?.name),
      ['page-1', 'page-3', 'page-4'],
    );
    const notA = await core.listNamespacedSecret({
      namespace: SECRETS_NS,
      labelSelector: 'suite=list,tier!=a',
    });
    assert.deepEqual(
      notA.items.map((s) => s.metadata?.name),
      ['page-2', 'page-5'],
    );
    const byName = await core.listNamespacedSecret({
      namespace: SECRETS_NS,
      fieldSelector: 'metadata.name=page-2',
    });
    assert.deepEqual(
      byName.items.map((s) => s.metadata?.name),
      ['page-2'],
    );
    const badField = await apiError(() =>
      core.listNamespacedSecret({ namespace: SECRETS_NS, fieldSelector: 'data.x=1' }),
    );
    assert.equal(badField.code, 400);
    assert.equal(badField.body?.message, 'field label not supported: data.x');

    // Pagination over all secrets of the namespace (no selector → remainingItemCount).
    const all = await core.listNamespacedSecret({ namespace: SECRETS_NS });
    const names: string[] = [];
    let cont: string | undefined;
    let first = true;
    do {
      const page = await core.listNamespacedSecret({ namespace: SECRETS_NS, limit: 2, _continue: cont });
      assert.ok(page.items.length <= 2);
      names.push(...page.items.map((s) => s.metadata!.name!));
      cont = page.metadata?._continue;
      if (first && cont) assert.equal(page.metadata?.remainingItemCount, all.items.length - 2);
      first = false;
    } while (cont);
    assert.deepEqual(
      names,
      all.items.map((s) => s.metadata!.name!),
    );
    // With a selector, no remainingItemCount.
    const sel = await core.listNamespacedSecret({
      namespace: SECRETS_NS,
      labelSelector: 'suite=list',
      limit: 2,
    });
    assert.ok(sel.metadata?._continue);
    assert.equal(sel.metadata?.remainingItemCount, undefined);
  });

  test('watch: ADDED/MODIFIED/DELETED, then resume from a resourceVersion', async () => {
    const watch = new Watch(kc);
    const events: { type: string; name: string; rv: string }[] = [];
    let resolveDeleted!: () => void;
    const deleted = new Promise<void>((r) => {
      resolveDeleted = r;
    });
    const list = await core.listNamespacedSecret({ namespace: SECRETS_NS });
    const ctrl = await watch.watch(
      `/api/v1/namespaces/${SECRETS_NS}/secrets`,
      { resourceVersion: list.metadata!.resourceVersion!, labelSelector: 'suite=watch' },
      (type, obj) => {
        events.push({ type, name: obj.metadata.name, rv: obj.metadata.resourceVersion });
        if (type === 'DELETED') resolveDeleted();
      },
      () => {},
    );
    await core.createNamespacedSecret({
      namespace: SECRETS_NS,
      body: { metadata: { name: 'w1', labels: { suite: 'watch' } } },
    });
    await core.createNamespacedSecret({ namespace: SECRETS_NS, body: { metadata: { name: 'ignored' } } });
    await core.patchNamespacedSecret(
      { name: 'w1', namespace: SECRETS_NS, body: { metadata: { annotations: { x: 'y' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedSecret({ name: 'w1', namespace: SECRETS_NS });
    await deleted;
    ctrl.abort();
    assert.deepEqual(
      events.map((e) => `${e.type}:${e.name}`),
      ['ADDED:w1', 'MODIFIED:w1', 'DELETED:w1'],
    );
    // Resume from the ADDED event's resourceVersion: only the later two are replayed.
    const replayed: string[] = [];
    await new Promise<void>((resolve, reject) => {
      void watch
        .watch(
          `/api/v1/namespaces/${SECRETS_NS}/secrets`,
          { resourceVersion: events[0]!.rv, labelSelector: 'suite=watch', timeoutSeconds: 1 },
          (type, obj) => replayed.push(`${type}:${obj.metadata.name}`),
          (err) => (err ? reject(err) : resolve()),
        )
        .catch(reject);
    });
    assert.deepEqual(replayed, ['MODIFIED:w1', 'DELETED:w1']);
  });

  test('unknown bearer token → 401 Unauthorized', async () => {
    const bad = new KubeConfig();
    bad.loadFromOptions({
      clusters: [{ name: 'c', server: emu.url, caData: Buffer.from(emu.caPem).toString('base64') }],
      users: [{ name: 'u', token: 'not-a-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const r = await apiError(() =>
      bad.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: SECRETS_NS }),
    );
    assert.equal(r.code, 401);
    // client-node drops the 401 body; check the wire body directly.
    const res = await fetchRaw(emu, '/api/v1/namespaces/secrets/secrets', { authorization: 'Bearer nope' });
    assert.equal(res.status, 401);
    assert.equal(
      res.body,
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
    );
  });

  test("RBAC: omsm's server Role (docs/contract.md#rbac) allows create/get/update/delete, forbids list/patch/other namespaces", async () => {
    await emu.apply(seedRbac(['create', 'get', 'update', 'delete']));
    const saKc = kcFrom(await emu.writeServiceAccountKubeconfig(OM_NS, 'openmetadata-secrets-sa'));
    const sa = saKc.makeApiClient(CoreV1Api);
    const user = 'system:serviceaccount:om:openmetadata-secrets-sa';
    const s = await sa.createNamespacedSecret({
      namespace: SECRETS_NS,
      body: { metadata: { name: 'rbac-s' }, stringData: { k: 'v' } },
    });
    const got = await sa.readNamespacedSecret({ name: 'rbac-s', namespace: SECRETS_NS });
    assert.equal(got.metadata?.uid, s.metadata?.uid);
    await sa.replaceNamespacedSecret({
      name: 'rbac-s',
      namespace: SECRETS_NS,
      body: { ...got, data: { k: 'dg==' } },
    });

    const list = await apiError(() => sa.listNamespacedSecret({ namespace: SECRETS_NS }));
    assert.equal(list.code, 403);
    assert.equal(
      list.body?.message,
      `secrets is forbidden: User "${user}" cannot list resource "secrets" in API group "" in the namespace "secrets"`,
    );
    assert.deepEqual(list.body?.details, { kind: 'secrets' });
    const patch = await apiError(() =>
      sa.patchNamespacedSecret(
        { name: 'rbac-s', namespace: SECRETS_NS, body: { metadata: { labels: { a: 'b' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    assert.equal(patch.code, 403);
    assert.equal(
      patch.body?.message,
      `secrets "rbac-s" is forbidden: User "${user}" cannot patch resource "secrets" in API group "" in the namespace "secrets"`,
    );
    const other = await apiError(() => sa.readNamespacedSecret({ name: 'rbac-s', namespace: 'other' }));
    assert.equal(other.code, 403);
    assert.equal(
      other.body?.message,
      `secrets "rbac-s" is forbidden: User "${user}" cannot get resource "secrets" in API group "" in the namespace "other"`,
    );
    await sa.deleteNamespacedSecret({ name: 'rbac-s', namespace: SECRETS_NS });

    // SelfSubjectAccessReview through the same identity.
    const authz = saKc.makeApiClient(AuthorizationV1Api);
    const yes = await authz.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { namespace: SECRETS_NS, verb: 'get', resource: 'secrets' } } },
    });
    assert.equal(yes.status?.allowed, true);
    assert.match(
      yes.status?.reason ?? '',
      /^RBAC: allowed by RoleBinding "openmetadata-secrets-role-rb\/secrets"/,
    );
    const no = await authz.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { namespace: SECRETS_NS, verb: 'list', resource: 'secrets' } } },
    });
    assert.equal(no.status?.allowed, false);
  });

  test('RBAC: a get-only Role allows get alone; a dangling roleRef is named in the 403', async () => {
    await core.createNamespacedSecret({ namespace: SECRETS_NS, body: { metadata: { name: 'readable' } } });
    await emu.apply(seedRbac(['get'], 'reader-role', 'reader-sa'));
    const sa = kcFrom(await emu.writeServiceAccountKubeconfig(OM_NS, 'reader-sa')).makeApiClient(CoreV1Api);
    assert.equal(
      (await sa.readNamespacedSecret({ name: 'readable', namespace: SECRETS_NS })).metadata?.name,
      'readable',
    );
    const c = await apiError(() =>
      sa.createNamespacedSecret({ namespace: SECRETS_NS, body: { metadata: { name: 'nope' } } }),
    );
    assert.equal(c.code, 403);
    const d = await apiError(() => sa.deleteNamespacedSecret({ name: 'readable', namespace: SECRETS_NS }));
    assert.equal(d.code, 403);

    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRoleBinding({
      namespace: SECRETS_NS,
      body: {
        metadata: { name: 'dangling' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader-sa', namespace: OM_NS }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'missing-role' },
      },
    });
    const l = await apiError(() => sa.listNamespacedSecret({ namespace: SECRETS_NS }));
    assert.equal(l.code, 403);
    assert.match(l.body?.message, /: RBAC: role\.rbac\.authorization\.k8s\.io "missing-role" not found$/);
  });

  test('in-cluster directory works with loadFromCluster; a rotated token is rejected', async () => {
    await emu.apply(seedRbac(['create', 'get', 'update', 'delete'], 'ic-role', 'ic-sa'));
    const ic = await emu.writeInClusterDir(OM_NS, 'ic-sa');
    assert.equal(readFileSync(join(ic.dir, 'namespace'), 'utf8'), OM_NS);
    const oldToken = readFileSync(join(ic.dir, 'token'), 'utf8');
    assert.ok(!oldToken.endsWith('\n'));
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = ic.host;
    process.env.KUBERNETES_SERVICE_PORT = ic.port;
    let icKc: KubeConfig;
    try {
      icKc = new KubeConfig();
      icKc.loadFromCluster(ic.prefix);
    } finally {
      for (const [k, v] of [
        ['KUBERNETES_SERVICE_HOST', saved.host],
        ['KUBERNETES_SERVICE_PORT', saved.port],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const api = icKc.makeApiClient(CoreV1Api);
    await api.createNamespacedSecret({ namespace: SECRETS_NS, body: { metadata: { name: 'incluster' } } });

    const newToken = await emu.rotateServiceAccountToken(OM_NS, 'ic-sa');
    assert.notEqual(newToken, oldToken);
    assert.equal(readFileSync(join(ic.dir, 'token'), 'utf8'), newToken);
    const old = await fetchRaw(emu, `/api/v1/namespaces/${SECRETS_NS}/secrets/incluster`, {
      authorization: `Bearer ${oldToken}`,
    });
    assert.equal(old.status, 401);
    const fresh = await fetchRaw(emu, `/api/v1/namespaces/${SECRETS_NS}/secrets/incluster`, {
      authorization: `Bearer ${newToken}`,
    });
    assert.equal(fresh.status, 200);
  });

  test('token-file kubeconfig works with client-node and follows rotation', async () => {
    await emu.apply(seedRbac(['get'], 'tf-role', 'tf-sa'));
    await core.createNamespacedSecret({ namespace: SECRETS_NS, body: { metadata: { name: 'tf' } } });
    const path = await emu.writeServiceAccountKubeconfig(OM_NS, 'tf-sa', { tokenMode: 'token-file' });
    const cfg = readFileSync(path, 'utf8');
    assert.match(cfg, /token-file: /);
    assert.doesNotMatch(cfg, /\btoken: /);
    const api = kcFrom(path).makeApiClient(CoreV1Api);
    assert.equal(
      (await api.readNamespacedSecret({ name: 'tf', namespace: SECRETS_NS })).metadata?.name,
      'tf',
    );
    await emu.rotateServiceAccountToken(OM_NS, 'tf-sa');
    // client-node reads token-file once: the loaded config now holds a revoked token...
    assert.equal(
      (await apiError(() => api.readNamespacedSecret({ name: 'tf', namespace: SECRETS_NS }))).code,
      401,
    );
    // ...and a fresh load of the same kubeconfig picks up the rewritten file.
    const again = kcFrom(path).makeApiClient(CoreV1Api);
    assert.equal(
      (await again.readNamespacedSecret({ name: 'tf', namespace: SECRETS_NS })).metadata?.name,
      'tf',
    );
  });

  test('faults: 429 with Retry-After, 503/500, dropped connections; operator calls unaffected', async () => {
    emu.setFaults({ rate429: 1, retryAfterSeconds: 7, pathIncludes: '/secrets' });
    const r = await fetchRaw(emu, `/api/v1/namespaces/${SECRETS_NS}/secrets`);
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '7');
    assert.equal(JSON.parse(r.body).reason, 'TooManyRequests');
    const ns = await fetchRaw(emu, '/api/v1/namespaces');
    assert.equal(ns.status, 200);
    emu.setFaults({ rate5xx: 1 });
    const five = await fetchRaw(emu, `/api/v1/namespaces/${SECRETS_NS}/secrets`);
    assert.ok(five.status === 500 || five.status === 503, String(five.status));
    await emu.apply([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'op', namespace: SECRETS_NS } }]);
    emu.setFaults({ dropRate: 1 });
    await assert.rejects(fetchRaw(emu, `/api/v1/namespaces/${SECRETS_NS}/secrets`));
    emu.setFaults({});
    assert.equal((await fetchRaw(emu, `/api/v1/namespaces/${SECRETS_NS}/secrets/op`)).status, 200);
  });

  test('audit log records user, verb, resource, namespace, name and code', async () => {
    emu.clearAudit();
    await apiError(() => core.readNamespacedSecret({ name: 'audited', namespace: SECRETS_NS }));
    const e = emu.audit().find((x) => x.name === 'audited');
    assert.ok(e);
    assert.equal(e.user, 'kube-admin');
    assert.equal(e.verb, 'get');
    assert.equal(e.resource, 'secrets');
    assert.equal(e.namespace, SECRETS_NS);
    assert.equal(e.code, 404);
  });

  test('discovery, version, health and unknown paths', async () => {
    const v = await fetchRaw(emu, '/version');
    assert.equal(JSON.parse(v.body).minor, '32');
    const agg = await fetchRaw(emu, '/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    assert.equal(
      agg.headers['content-type'],
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    const groups = JSON.parse(agg.body).items.map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.ok(groups.includes('rbac.authorization.k8s.io'));
    const h = await fetchRaw(emu, '/healthz');
    assert.equal(h.body, 'ok');
    const nf = await fetchRaw(emu, '/nope');
    assert.equal(nf.status, 404);
    assert.equal(nf.body, '404 page not found\n');
    const anon = await fetchRaw(emu, '/api', {}, false);
    assert.equal(anon.status, 403);
    assert.equal(JSON.parse(anon.body).message, 'forbidden: User "system:anonymous" cannot get path "/api"');
  });
});

describe('kube-emulator audit file', () => {
  test('one JSON line per request, without bodies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-audit-'));
    const auditFile = join(dir, 'audit.jsonl');
    const emu = await startEmulator({ dir, auditFile, namespaces: ['aud'] });
    try {
      const core = kcFrom(emu.kubeconfigPath).makeApiClient(CoreV1Api);
      await core.createNamespacedSecret({
        namespace: 'aud',
        body: { metadata: { name: 'a' }, stringData: { pw: 'hunter2' } },
      });
    } finally {
      await emu.close();
    }
    const text = readFileSync(auditFile, 'utf8');
    assert.ok(!text.includes('hunter2'));
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const create = lines.find((l) => l.verb === 'create' && l.resource === 'secrets');
    assert.equal(create.user, 'kube-admin');
    assert.equal(create.namespace, 'aud');
    assert.equal(create.name, 'a');
    assert.equal(create.code, 201);
    assert.ok(!Number.isNaN(Date.parse(create.time)));
  });
});

describe('kube-emulator state file', () => {
  test('a restart keeps objects, tokens and the CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-state-'));
    const stateFile = join(dir, 'state.json');
    const first = await startEmulator({ dir, stateFile, namespaces: ['keep'] });
    const kcPath = await first.writeServiceAccountKubeconfig('keep', 'sa');
    await first.apply([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'kept', namespace: 'keep' },
        stringData: { a: 'b' },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'sa-admin', namespace: 'keep' },
        subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'keep' }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      },
    ]);
    const port = first.port;
    await first.close();
    const second = await startEmulator({ dir, stateFile, port });
    try {
      const core = kcFrom(kcPath).makeApiClient(CoreV1Api);
      const s = await core.readNamespacedSecret({ name: 'kept', namespace: 'keep' });
      assert.equal(Buffer.from(s.data!.a!, 'base64').toString(), 'b');
      const admin = kcFrom(second.kubeconfigPath).makeApiClient(CoreV1Api);
      const created = await admin.createNamespacedSecret({
        namespace: 'keep',
        body: { metadata: { name: 'after' } },
      });
      assert.ok(Number(created.metadata!.resourceVersion) > Number(s.metadata!.resourceVersion));
    } finally {
      await second.close();
    }
  });
});
