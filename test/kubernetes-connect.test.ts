/**
 * The kubernetes provider against kube-emulator over HTTPS, in every connection mode the contract (docs/contract.md)
 * names: kubeconfig with a client certificate, with a bearer token, with a standard `tokenFile`
 * (and client-node's `token-file`), the in-cluster directory with KUBERNETES_SERVICE_HOST/PORT, and
 * a ServiceAccount token rotated while the provider is running.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { KubeEmulator } from '../src/emulator/index.js';
import { secretId } from '../src/core/naming/secret-name.js';
import { canary } from './support/canary.js';
import { NS, SA, provider, seedRbac, startSeededEmulator } from './support/kubernetes-fixture.js';

const naming = { prefix: '', clusterName: 'openmetadata' };
let emu: KubeEmulator;

before(async () => {
  emu = await startSeededEmulator();
});
after(async () => {
  await emu?.close();
});

async function roundTrip(p: Awaited<ReturnType<typeof provider>>, tag: string): Promise<void> {
  const id = secretId(naming, ['database', `svc-${tag}`, 'password']);
  const v1 = canary();
  const ref = await p.store(id, v1, { hint: 'new' });
  assert.equal(await p.get(ref), v1);
  const v2 = canary('-é');
  await p.store(id, v2, { hint: 'existing' });
  assert.equal(await p.get(ref), v2);
  await p.delete(ref, id);
  assert.equal(await p.get(ref), undefined);
}

test('kubeconfig with a client certificate', async () => {
  await emu.apply([
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'alice-secrets', namespace: NS },
      subjects: [{ kind: 'User', name: 'alice' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'openmetadata-secrets-role' },
    },
  ]);
  const p = await provider(await emu.writeClientCertKubeconfig('alice', ['team']));
  try {
    assert.equal(p.access?.state, 'Ready');
    assert.ok(p.identity.includes('CN=alice'), p.identity);
    await roundTrip(p, 'cert');
  } finally {
    await p.close();
  }
});

test('kubeconfig with a ServiceAccount bearer token', async () => {
  const p = await provider(await emu.writeServiceAccountKubeconfig(NS, SA));
  try {
    assert.equal(p.access?.state, 'Ready');
    await roundTrip(p, 'token');
  } finally {
    await p.close();
  }
});

for (const key of ['tokenFile', 'token-file'] as const) {
  test(`kubeconfig with ${key}, token rotated while running`, async () => {
    const sa = `sa-${key.toLowerCase()}`;
    await emu.apply(seedRbac(NS, sa, ['create', 'get', 'update', 'delete'], `-${sa}`));
    const file = await emu.writeServiceAccountKubeconfig(NS, sa, { tokenMode: 'token-file' });
    // Keep only one key: `tokenFile` is the standard one kubectl reads (client-node alone ignores it
    // and goes anonymous); `token-file` is client-node's own (read once by client-node alone).
    const doc = parseYaml(readFileSync(file, 'utf8')) as { users: { user: Record<string, unknown> }[] };
    for (const u of doc.users) {
      const path = u.user.tokenFile ?? u.user['token-file'];
      assert.equal(typeof path, 'string');
      delete u.user.tokenFile;
      delete u.user['token-file'];
      u.user[key] = path;
    }
    writeFileSync(file, stringifyYaml(doc), { mode: 0o600 });
    const p = await provider(file);
    try {
      assert.equal(p.access?.state, 'Ready');
      assert.ok(
        p.identity.includes(`system:serviceaccount:${NS}:${sa}`) || p.identity.includes('token file'),
      );
      await roundTrip(p, `${sa}-1`);
      await emu.rotateServiceAccountToken(NS, sa);
      // The old token is rejected now; the provider re-reads the file on the 401 and carries on.
      await roundTrip(p, `${sa}-2`);
    } finally {
      await p.close();
    }
  });
}

test('kubeconfig with an exec credential plugin', async () => {
  const sa = 'sa-exec';
  await emu.apply(seedRbac(NS, sa, ['create', 'get', 'update', 'delete'], `-${sa}`));
  const file = await emu.writeServiceAccountKubeconfig(NS, sa);
  const doc = parseYaml(readFileSync(file, 'utf8')) as { users: { user: Record<string, unknown> }[] };
  const user = doc.users[0]!.user;
  const tokenPath = `${file}.exec-token`;
  writeFileSync(tokenPath, String(user.token), { mode: 0o600 });
  const plugin = `${file}.plugin.mjs`;
  writeFileSync(
    plugin,
    `import { readFileSync } from 'node:fs';\nprocess.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: readFileSync(${JSON.stringify(tokenPath)}, 'utf8') } }));\n`,
    { mode: 0o600 },
  );
  delete user.token;
  user.exec = {
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    command: process.execPath,
    args: [plugin],
  };
  writeFileSync(file, stringifyYaml(doc), { mode: 0o600 });
  const p = await provider(file);
  try {
    assert.equal(p.access?.state, 'Ready');
    assert.ok(p.identity.includes('exec plugin'), p.identity);
    await roundTrip(p, 'exec');
  } finally {
    await p.close();
  }
});

test('in-cluster directory with KUBERNETES_SERVICE_HOST/PORT, token rotated while running', async () => {
  const sa = 'sa-in-cluster';
  await emu.apply(seedRbac(NS, sa, ['create', 'get', 'update', 'delete'], `-${sa}`));
  const dir = await emu.writeInClusterDir(NS, sa);
  const saved = { h: process.env.KUBERNETES_SERVICE_HOST, p: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = dir.host;
  process.env.KUBERNETES_SERVICE_PORT = dir.port;
  try {
    const p = await provider('', {
      connection: { inCluster: true, kubeconfigPath: '', namespace: NS, inClusterPrefix: dir.prefix },
    });
    try {
      assert.equal(p.access?.state, 'Ready');
      await roundTrip(p, 'ic-1');
      await emu.rotateServiceAccountToken(NS, sa);
      await roundTrip(p, 'ic-2');
    } finally {
      await p.close();
    }
  } finally {
    if (saved.h === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
    else process.env.KUBERNETES_SERVICE_HOST = saved.h;
    if (saved.p === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
    else process.env.KUBERNETES_SERVICE_PORT = saved.p;
  }
});

test('missing verbs: access check reports them with the Role; calls fail naming identity, verb, namespace', async () => {
  const sa = 'sa-get-only';
  await emu.apply(seedRbac(NS, sa, ['get'], `-${sa}`));
  const file = await emu.writeServiceAccountKubeconfig(NS, sa);
  await assert.rejects(provider(file), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'OMSM_ERR_KUBE_ACCESS');
    assert.ok(e.message.includes('create, update, delete'), e.message);
    assert.ok(e.message.includes('kind: Role'));
    return true;
  });
  const p = await provider(file, { accessCheck: 'warn' });
  try {
    assert.equal(p.access?.state, 'Error');
    assert.deepEqual([...(p.access?.missing ?? [])].sort(), ['create', 'delete', 'update']);
    const id = secretId(naming, ['denied']);
    await assert.rejects(p.store(id, canary()), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'OMSM_ERR_SECRET_FORBIDDEN');
      assert.ok(e.message.includes(`system:serviceaccount:${NS}:${sa}`), e.message);
      assert.ok(e.message.includes('create') && e.message.includes(NS), e.message);
      return true;
    });
  } finally {
    await p.close();
  }
  // Read-only needs only get: Ready.
  const ro = await provider(file, { readOnly: true });
  assert.equal(ro.access?.state, 'Ready');
  await ro.close();
});
