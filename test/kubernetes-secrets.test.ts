/**
 * The kubernetes provider against kube-emulator with omsm's server Role (docs/contract.md#rbac) bound to a ServiceAccount:
 * many secrets stored, updated, read and deleted using only get/create/update/delete; what kubectl
 * sees; Secrets written by others; collisions; concurrent writers; fault injection.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeEmulator } from '../src/emulator/index.js';
import { secretId } from '../src/core/naming/secret-name.js';
import { canary, redactCanaries } from './support/canary.js';
import { NS, SA, kubectl, provider, secretVerbs, startSeededEmulator } from './support/kubernetes-fixture.js';

const naming = { prefix: '', clusterName: 'openmetadata' };
let emu: KubeEmulator;
let saConfig: string;

before(async () => {
  emu = await startSeededEmulator();
  saConfig = await emu.writeServiceAccountKubeconfig(NS, SA);
});
after(async () => {
  await emu?.close();
});

test('many secrets: store, update, get, delete with only get/create/update/delete on secrets', async () => {
  const p = await provider(saConfig);
  try {
    emu.clearAudit();
    const ids = Array.from({ length: 60 }, (_, i) => secretId(naming, ['database', `svc_${i}`, 'password']));
    const first = ids.map(() => canary());
    await Promise.all(ids.map((id, i) => p.store(id, first[i]!, { hint: 'new' })));
    const second = ids.map(() => canary());
    await Promise.all(ids.map((id, i) => p.store(id, second[i]!, { hint: 'existing' })));
    // unchanged: no write
    await Promise.all(ids.map((id, i) => p.store(id, second[i]!, { hint: 'existing' })));
    const read = await Promise.all(ids.map((id) => p.get(`secret:${id.name}`)));
    assert.deepEqual(read, second);
    await Promise.all(ids.map((id) => p.delete(`secret:${id.name}`, id)));
    assert.deepEqual(
      await Promise.all(ids.map((id) => p.get(`secret:${id.name}`))),
      ids.map(() => undefined),
    );

    const verbs = secretVerbs(emu);
    assert.deepEqual([...new Set(verbs)].sort(), ['create', 'delete', 'get', 'update']);
    const count = (v: string) => verbs.filter((x) => x === v).length;
    assert.equal(count('create'), 60); // 1 call per new secret
    assert.equal(count('update'), 60); // unchanged values wrote nothing
    assert.equal(count('get'), 60 * 2 + 60 + 60 * 2); // update GETs, unchanged GETs, reads, delete GET + final reads
    assert.equal(count('delete'), 60);
    // Nothing else was called on any resource but the access review at start.
    const other = emu.audit().filter((e) => e.resource !== 'secrets' && e.user.includes(SA));
    assert.deepEqual([...new Set(other.map((e) => `${e.verb} ${e.resource}`))], []);
  } finally {
    await p.close();
  }
});

test('kubectl sees the value and the documented labels; a kubectl-created Secret reads back and is never changed', async () => {
  const p = await provider(saConfig);
  try {
    const id = secretId(naming, ['bot', 'ingestion-bot', 'config', 'JWTToken']);
    const v = canary('-ünïcode');
    const ref = await p.store(id, v);
    assert.equal(ref, 'secret:openmetadata-bot-ingestion-bot-config-jwttoken');
    const got = await kubectl(emu.kubeconfigPath, [
      'get',
      'secret',
      id.name,
      '-n',
      NS,
      '-o',
      'jsonpath={.data.value}',
    ]);
    assert.equal(got.code, 0, 'kubectl get failed');
    assert.equal(Buffer.from(got.stdout, 'base64').toString('utf8'), v);
    const labels = await kubectl(emu.kubeconfigPath, [
      'get',
      'secret',
      id.name,
      '-n',
      NS,
      '-o',
      'jsonpath={.metadata.labels}',
    ]);
    assert.deepEqual(JSON.parse(labels.stdout), {
      app: 'openmetadata',
      'managed-by': 'openmetadata-secrets-manager',
    });

    const theirs = canary();
    const created = await kubectl(emu.kubeconfigPath, [
      'create',
      'secret',
      'generic',
      'hand-made',
      '-n',
      NS,
      `--from-literal=value=${theirs}`,
    ]);
    assert.equal(created.code, 0, `kubectl create failed: ${redactCanaries(created.stderr)}`);
    assert.equal(await p.get('secret:hand-made'), theirs);
    const clash = { id: 'hand-made', name: 'hand-made' };
    await assert.rejects(p.store(clash, canary(), { hint: 'existing' }), {
      code: 'OMSM_ERR_SECRET_NOT_OURS',
    });
    await assert.rejects(p.store(clash, canary(), { hint: 'new' }), { code: 'OMSM_ERR_SECRET_NOT_OURS' });
    await assert.rejects(p.delete('secret:hand-made'), { code: 'OMSM_ERR_SECRET_NOT_OURS' });
    assert.equal(await p.get('secret:hand-made'), theirs, 'unchanged');
  } finally {
    await p.close();
  }
});

test('two logical ids with one Kubernetes name cannot overwrite each other', async () => {
  const p = await provider(saConfig);
  try {
    const a = secretId(naming, ['database', 'My DB', 'password']);
    const b = secretId(naming, ['database', 'my_db', 'password']);
    assert.equal(a.name, b.name);
    const va = canary();
    // Race them: exactly one wins, the other is refused.
    const results = await Promise.allSettled([p.store(a, va), p.store(b, canary())]);
    const won = results.filter((r) => r.status === 'fulfilled').length;
    assert.equal(won, 1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal(rejected.reason.code, 'OMSM_ERR_SECRET_NOT_OURS');
    const winner = results[0]!.status === 'fulfilled' ? a : b;
    const loser = winner === a ? b : a;
    const before = await p.get(`secret:${a.name}`);
    await assert.rejects(p.store(loser, canary(), { hint: 'existing' }), {
      code: 'OMSM_ERR_SECRET_NOT_OURS',
    });
    await assert.rejects(p.delete(`secret:${a.name}`, loser), { code: 'OMSM_ERR_SECRET_NOT_OURS' });
    assert.equal(await p.get(`secret:${a.name}`), before);
    if (winner === a) assert.equal(before, va);
  } finally {
    await p.close();
  }
});

test('two writers updating one secret concurrently: no unhandled conflict, the final write survives', async () => {
  const w1 = await provider(saConfig);
  const w2 = await provider(saConfig);
  try {
    const id = secretId(naming, ['service', 'contended', 'password']);
    await w1.store(id, canary());
    emu.clearAudit();
    const last: { writer: number; value: string }[] = [];
    const writer = async (p: typeof w1, n: number) => {
      for (let i = 0; i < 40; i++) {
        const v = canary();
        await p.store(id, v, { hint: 'existing' });
        last.push({ writer: n, value: v });
      }
    };
    await Promise.all([writer(w1, 1), writer(w2, 2)]);
    const final = await w1.get(`secret:${id.name}`);
    const lastOf = (n: number) => [...last].reverse().find((x) => x.writer === n)!.value;
    assert.ok(final === lastOf(1) || final === lastOf(2), 'the stored value is one of the final writes');
    // And a write made after both is what everybody reads.
    const after = canary();
    await w2.store(id, after);
    assert.equal(await w1.get(`secret:${id.name}`), after);
  } finally {
    await w1.close();
    await w2.close();
  }
});

test('1,000 upserts under latency, 20% 429/503 and dropped connections: each value stored once and readable', async () => {
  const p = await provider(saConfig, { requestDeadlineMs: 60_000 });
  try {
    const ids = Array.from({ length: 700 }, (_, i) =>
      secretId(naming, ['storage', `bucket-${i}`, 'secretKey']),
    );
    const want = new Map<string, string>();
    emu.clearAudit();
    emu.setFaults({
      latencyMs: 2,
      rate429: 0.1,
      rate5xx: 0.1,
      retryAfterSeconds: 1,
      dropRate: 0.05,
      pathIncludes: '/secrets',
    });
    const jobs: Promise<unknown>[] = [];
    for (const id of ids) {
      const v = canary();
      want.set(id.name, v);
      jobs.push(p.store(id, v, { hint: 'new' }));
    }
    for (const id of ids.slice(0, 300)) {
      const v = canary();
      // Updates of secrets created just before, chained so the final value is known.
      const i = ids.indexOf(id);
      jobs[i] = jobs[i]!.then(() => p.store(id, v, { hint: 'existing' }));
      want.set(id.name, v);
    }
    await Promise.all(jobs);
    emu.setFaults({});
    const audit = emu.audit().filter((e) => e.resource === 'secrets' && e.namespace === NS);
    const injected = audit.filter((e) => e.code === 429 || e.code >= 500).length;
    assert.ok(injected > 50, `faults were injected (${injected})`);
    // Exactly one successful create per secret (a create's audit entry has no name: the RBAC
    // attributes of a create carry none), so no retry after a lost answer made a second object.
    const created = audit.filter((e) => e.verb === 'create' && e.code === 201).length;
    assert.equal(created, ids.length);
    for (const id of ids) assert.equal(await p.get(`secret:${id.name}`), want.get(id.name));
  } finally {
    emu.setFaults({});
    await p.close();
  }
});
