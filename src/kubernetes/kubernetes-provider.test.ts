/**
 * The provider against the fake SecretsApi (real-shaped errors): round trips per operation,
 * ownership, collisions, retries, read-only, validation before any call, the access check.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConflict } from '../core/errors.js';
import { secretId } from '../core/naming/secret-name.js';
import { canary } from '../../test/support/canary.js';
import { providerOver } from './index.js';
import { buildLabels, encodeValue, ID_ANNOTATION } from './secret-format.js';
import { FakeAccessReviewApi, FakeSecretsApi, apiException } from '../../test/support/fake-secrets-api.js';

const NS = 'om';
const naming = { prefix: '', clusterName: 'openmetadata' };
const noSleep = async () => {};

async function setup(opts: { readOnly?: boolean; tags?: Record<string, string> } = {}) {
  const api = new FakeSecretsApi();
  const provider = await providerOver(api, undefined, {
    connection: { inCluster: false, kubeconfigPath: '', namespace: NS },
    identity: 'test-user',
    labels: buildLabels(opts.tags ?? {}),
    readOnly: opts.readOnly,
    sleep: noSleep,
    requestDeadlineMs: 5000,
  });
  return { api, provider };
}

test('create of a new secret is one POST in the documented format', async () => {
  const { api, provider } = await setup({ tags: { team: 'data' } });
  const id = secretId(naming, ['database', 'my_db', 'password']);
  const v = canary('-ü');
  const ref = await provider.store(id, v, { hint: 'new' });
  assert.equal(ref, 'secret:openmetadata-database-my-db-password');
  assert.deepEqual(api.calls, ['create']);
  const o = api.objects.get(`${NS}/${id.name}`)!;
  assert.equal(o.data?.value, Buffer.from(v, 'utf8').toString('base64'));
  assert.deepEqual(o.metadata?.labels, {
    app: 'openmetadata',
    'managed-by': 'openmetadata-secrets-manager',
    team: 'data',
  });
  assert.equal(o.metadata?.annotations?.[ID_ANNOTATION], id.id);
  assert.equal(await provider.get(ref), v);
});

test('update with hint existing is GET + conditional PUT; unchanged is one GET', async () => {
  const { api, provider } = await setup();
  const id = secretId(naming, ['bot', 'b1', 'config', 'JWTToken']);
  await provider.store(id, canary());
  api.calls.length = 0;
  const v2 = canary();
  await provider.store(id, v2, { hint: 'existing' });
  assert.deepEqual(api.calls, ['get', 'update']);
  api.calls.length = 0;
  await provider.store(id, v2, { hint: 'existing' });
  assert.deepEqual(api.calls, ['get']);
  api.calls.length = 0;
  assert.equal(await provider.get(`secret:${id.name}`), v2);
  assert.deepEqual(api.calls, ['get']);
});

test('a wrong hint costs one extra call, never a wrong result', async () => {
  const { api, provider } = await setup();
  const id = secretId(naming, ['service', 'x', 'password']);
  // "existing" for a new secret: GET 404, POST.
  const v1 = canary();
  await provider.store(id, v1, { hint: 'existing' });
  assert.deepEqual(api.calls, ['get', 'create']);
  // "new" for an existing secret: POST 409, GET, PUT.
  api.calls.length = 0;
  const v2 = canary();
  await provider.store(id, v2, { hint: 'new' });
  assert.deepEqual(api.calls, ['create', 'get', 'update']);
  assert.equal(await provider.get(`secret:${id.name}`), v2);
});

test('a Secret without the managed-by label is never overwritten or deleted', async () => {
  const { api, provider } = await setup();
  const id = secretId(naming, ['database', 'foreign', 'password']);
  const foreign = canary();
  api.seed(NS, { metadata: { name: id.name }, data: { value: encodeValue(foreign) } });
  await assert.rejects(provider.store(id, canary(), { hint: 'existing' }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'OMSM_ERR_SECRET_NOT_OURS');
    assert.ok(e.message.includes(id.name) && e.message.includes('managed-by'));
    return true;
  });
  await assert.rejects(provider.store(id, canary(), { hint: 'new' }), { code: 'OMSM_ERR_SECRET_NOT_OURS' });
  await assert.rejects(provider.delete(`secret:${id.name}`, id), { code: 'OMSM_ERR_SECRET_NOT_OURS' });
  await assert.rejects(provider.delete(`secret:${id.name}`), { code: 'OMSM_ERR_SECRET_NOT_OURS' });
  assert.ok(!api.calls.includes('update') && !api.calls.includes('delete'));
  // ...but it can be read, like any Secret with a value key.
  assert.equal(await provider.get(`secret:${id.name}`), foreign);
});

test('two logical ids with the same Kubernetes name cannot overwrite each other', async () => {
  const { api, provider } = await setup();
  const a = secretId(naming, ['database', 'my_db', 'password']);
  const b = secretId(naming, ['database', 'my-db', 'password']);
  assert.equal(a.name, b.name);
  assert.notEqual(a.id, b.id);
  const va = canary();
  await provider.store(a, va);
  await assert.rejects(provider.store(b, canary()), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'OMSM_ERR_SECRET_NOT_OURS');
    assert.ok(e.message.includes('another logical id'));
    return true;
  });
  await assert.rejects(provider.store(b, canary(), { hint: 'existing' }), {
    code: 'OMSM_ERR_SECRET_NOT_OURS',
  });
  await assert.rejects(provider.delete(`secret:${a.name}`, b), { code: 'OMSM_ERR_SECRET_NOT_OURS' });
  assert.equal(await provider.get(`secret:${a.name}`), va);
  assert.equal(api.objects.size, 1);
});

test('a labelled Secret without our annotation (written by upstream) is adopted', async () => {
  const { api, provider } = await setup();
  const id = secretId(naming, ['database', 'up', 'password']);
  api.seed(NS, {
    metadata: {
      name: id.name,
      labels: { app: 'openmetadata', 'managed-by': 'openmetadata-secrets-manager' },
    },
    data: { value: encodeValue(canary()) },
  });
  const v = canary();
  await provider.store(id, v, { hint: 'existing' });
  const o = api.objects.get(`${NS}/${id.name}`)!;
  assert.equal(o.metadata?.annotations?.[ID_ANNOTATION], id.id);
  assert.equal(await provider.get(`secret:${id.name}`), v);
});

test('payload null and a missing value key read as absent', async () => {
  const { api, provider } = await setup();
  api.seed(NS, { metadata: { name: 'old-null' }, data: { value: encodeValue('null') } });
  api.seed(NS, { metadata: { name: 'no-value' }, data: { other: encodeValue('x') } });
  assert.equal(await provider.get('secret:old-null'), undefined);
  assert.equal(await provider.get('secret:no-value'), undefined);
  assert.equal(await provider.get('secret:missing'), undefined);
  assert.equal(await provider.exists('secret:old-null'), false);
});

test('delete: 404 is success; ours is deleted conditionally', async () => {
  const { api, provider } = await setup();
  await provider.delete('secret:never-there');
  const id = secretId(naming, ['workflow', 'w', 'password']);
  await provider.store(id, canary());
  api.calls.length = 0;
  await provider.delete(`secret:${id.name}`, id);
  assert.deepEqual(api.calls, ['get', 'delete']);
  assert.equal(api.objects.size, 0);
  // Deleted between our GET and DELETE: still success.
  await provider.store(id, canary());
  api.fail('delete', apiException(404, 'NotFound', 'gone'));
  await provider.delete(`secret:${id.name}`, id);
});

test('read-only refuses writes without a call', async () => {
  const { api, provider } = await setup({ readOnly: true });
  assert.equal(provider.capability, 'ReadOnly');
  const id = secretId(naming, ['x', 'y']);
  await assert.rejects(provider.store(id, canary()), { code: 'OMSM_ERR_SECRET_READ_ONLY' });
  await assert.rejects(provider.delete(`secret:${id.name}`), { code: 'OMSM_ERR_SECRET_READ_ONLY' });
  assert.deepEqual(api.calls, []);
});

test('validation happens before any call', async () => {
  const { api, provider } = await setup();
  const id = secretId(naming, ['big']);
  await assert.rejects(provider.store(id, 'x'.repeat(1024 * 1024 + 1)), {
    code: 'OMSM_ERR_SECRET_TOO_LARGE',
  });
  await provider.store(id, 'x'.repeat(1024 * 1024)); // exactly the limit is fine
  await assert.rejects(provider.store({ id: 'a', name: 'Bad_Name' }, canary()), {
    code: 'OMSM_ERR_NAME_INVALID',
  });
  await assert.rejects(provider.get('fernet:abc'), { code: 'OMSM_ERR_REFERENCE_INVALID' });
  assert.deepEqual(api.calls, ['create']);
  assert.throws(() => buildLabels({ 'managed-by': 'me' }), { code: 'OMSM_ERR_CONFIG_INVALID' });
  assert.throws(() => buildLabels({ team: 'not valid!' }), { code: 'OMSM_ERR_CONFIG_INVALID' });
  assert.equal(buildLabels({ app: 'custom' }).app, 'custom');
});

test('a stale update re-reads and retries; the final write wins', async () => {
  const { api, provider } = await setup();
  const id = secretId(naming, ['race']);
  await provider.store(id, canary());
  // After our GET, another writer changes the Secret once.
  let once = true;
  api.afterRead = (name) => {
    if (!once) return;
    once = false;
    const o = api.objects.get(`${NS}/${name}`)!;
    api.seed(NS, { ...o, data: { value: encodeValue(canary()) } });
  };
  api.calls.length = 0;
  const mine = canary();
  await provider.store(id, mine, { hint: 'existing' });
  assert.deepEqual(api.calls, ['get', 'update', 'get', 'update']);
  assert.equal(await provider.get(`secret:${id.name}`), mine);
});

test('a conflict that never ends gives up with a conflict error, bounded', async () => {
  const { api, provider } = await setup();
  const id = secretId(naming, ['hot']);
  await provider.store(id, canary());
  api.fail('update', () => apiException(409, 'Conflict', 'modified'), 100);
  await assert.rejects(provider.store(id, canary(), { hint: 'existing' }), (e) => isConflict(e));
  assert.ok(api.calls.filter((c) => c === 'update').length <= 10);
});

test('429/503/dropped connections are retried; a 403 is not', async () => {
  const { api, provider } = await setup();
  const id = secretId(naming, ['flaky']);
  api.fail('create', apiException(429, 'TooManyRequests', 'slow', { headers: { 'retry-after': '0' } }));
  api.fail('create', apiException(503, 'ServiceUnavailable', 'x'));
  api.fail('create', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  const v = canary();
  await provider.store(id, v);
  assert.deepEqual(api.calls, ['create', 'create', 'create', 'create']);
  assert.equal(await provider.get(`secret:${id.name}`), v);

  api.calls.length = 0;
  api.fail('get', apiException(403, 'Forbidden', 'secrets "x" is forbidden: User "u" cannot get resource'));
  await assert.rejects(provider.get(`secret:${id.name}`), { code: 'OMSM_ERR_SECRET_FORBIDDEN' });
  assert.deepEqual(api.calls, ['get']);
});

test('a POST that landed but whose answer was lost ends with the value stored once', async () => {
  const { api, provider } = await setup();
  const id = secretId(naming, ['lost']);
  const v = canary();
  const realCreate = api.create.bind(api);
  let first = true;
  api.create = async (ns, body) => {
    const out = await realCreate(ns, body);
    if (first) {
      first = false;
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    return out;
  };
  await provider.store(id, v);
  assert.equal(await provider.get(`secret:${id.name}`), v);
  assert.equal(api.objects.size, 1);
});

test('retries stop at the deadline with the last error', async () => {
  const api = new FakeSecretsApi();
  const provider = await providerOver(api, undefined, {
    connection: { inCluster: false, kubeconfigPath: '', namespace: NS },
    identity: 'u',
    labels: buildLabels({}),
    requestDeadlineMs: 50,
  });
  api.fail('get', () => apiException(503, 'ServiceUnavailable', 'x'), 10_000);
  await assert.rejects(provider.get('secret:x'), { code: 'OMSM_ERR_SECRET_UNAVAILABLE' });
  // A Retry-After longer than the deadline is not waited for.
  const api2 = new FakeSecretsApi();
  const p2 = await providerOver(api2, undefined, {
    connection: { inCluster: false, kubeconfigPath: '', namespace: NS },
    identity: 'u',
    labels: buildLabels({}),
    requestDeadlineMs: 1000,
  });
  api2.fail('get', apiException(429, 'TooManyRequests', 'x', { headers: { 'retry-after': '30' } }));
  const t0 = Date.now();
  await assert.rejects(p2.get('secret:x'), { code: 'OMSM_ERR_SECRET_UNAVAILABLE' });
  assert.ok(Date.now() - t0 < 1000);
  assert.deepEqual(api2.calls, ['get']);
});

test('access check: Ready, Error with the fixing Role (fail/warn), Unknown never Ready', async () => {
  const base = {
    connection: { inCluster: false, kubeconfigPath: '', namespace: NS },
    identity: 'system:serviceaccount:om:omsm',
    labels: buildLabels({}),
  };
  const warnings: string[] = [];
  const logger = { info() {}, warn: (_o: object, m?: string) => warnings.push(m ?? '') };
  const all = new FakeAccessReviewApi(new Set(['create', 'get', 'update', 'delete']));
  const ok = await providerOver(new FakeSecretsApi(), all, { ...base, logger });
  assert.equal(ok.access?.state, 'Ready');

  const partial = new FakeAccessReviewApi(new Set(['get', 'create']));
  const warned = await providerOver(new FakeSecretsApi(), partial, { ...base, logger, accessCheck: 'warn' });
  assert.equal(warned.access?.state, 'Error');
  assert.deepEqual(warned.access?.missing, ['update', 'delete']);
  assert.ok(warned.access?.fix?.includes('name: omsm'));
  assert.ok(warnings.some((w) => w.includes('update, delete')));

  await assert.rejects(
    providerOver(new FakeSecretsApi(), partial, { ...base, accessCheck: 'fail' }),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'OMSM_ERR_KUBE_ACCESS');
      assert.ok(e.message.includes('verbs: ["create", "get", "update", "delete"]'));
      return true;
    },
  );

  // Read-only checks only get.
  const getOnly = new FakeAccessReviewApi(new Set(['get']));
  const ro = await providerOver(new FakeSecretsApi(), getOnly, {
    ...base,
    readOnly: true,
    accessCheck: 'fail',
  });
  assert.equal(ro.access?.state, 'Ready');

  // A review that cannot be made is Unknown, not Ready, and does not fail the start.
  const broken = new FakeAccessReviewApi(new Set(), apiException(403, 'Forbidden', 'no'));
  const unk = await providerOver(new FakeSecretsApi(), broken, { ...base, accessCheck: 'fail', logger });
  assert.equal(unk.access?.state, 'Unknown');
});

test('concurrency: many stores run within the configured limit', async () => {
  const api = new FakeSecretsApi();
  let inFlight = 0;
  let peak = 0;
  const realCreate = api.create.bind(api);
  api.create = async (ns, body) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    try {
      return await realCreate(ns, body);
    } finally {
      inFlight--;
    }
  };
  const provider = await providerOver(api, undefined, {
    connection: { inCluster: false, kubeconfigPath: '', namespace: NS },
    identity: 'u',
    labels: buildLabels({}),
    concurrency: 4,
  });
  await Promise.all(
    Array.from({ length: 40 }, (_, i) => provider.store(secretId(naming, [`s${i}`]), canary())),
  );
  assert.equal(api.objects.size, 40);
  assert.ok(peak <= 4 && peak > 1, `peak ${peak}`);
});
