/**
 * Loading the client configuration: the tokenFile pitfall (client-node ignores the standard key),
 * `token-file` re-read on rotation, in-cluster mode checks, and identity descriptions that never
 * contain a credential.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { describeIdentity, invalidateFileTokens, loadKubeConfig } from './connect.js';

function kubeconfig(dir: string, user: Record<string, unknown>): string {
  const file = join(dir, 'config');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }),
    { mode: 0o600 },
  );
  return file;
}

async function authHeader(kc: KubeConfig): Promise<string | undefined> {
  const opts: { headers?: Record<string, string> } = {};
  await kc.applyToHTTPSOptions(opts as never);
  return opts.headers?.Authorization;
}

// Token-shaped fixtures: a JWT whose sub names a ServiceAccount (payload only; no signature needed).
const jwt = (sub: string, n: number) =>
  `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ sub, n })).toString('base64url')}.sig`;

for (const key of ['tokenFile', 'token-file'] as const) {
  test(`kubeconfig user.${key} is honoured and re-read after a 401`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omsm-kc-'));
    const tokenPath = join(dir, 'token');
    writeFileSync(tokenPath, `${jwt('system:serviceaccount:om:omsm', 1)}\n`, { mode: 0o600 });
    // A relative path resolves against the kubeconfig's directory, as in kubectl.
    const kc = loadKubeConfig({
      inCluster: false,
      kubeconfigPath: kubeconfig(dir, { [key]: 'token' }),
      namespace: 'om',
    });
    assert.equal(await authHeader(kc), `Bearer ${jwt('system:serviceaccount:om:omsm', 1)}`);
    writeFileSync(tokenPath, jwt('system:serviceaccount:om:omsm', 2), { mode: 0o600 });
    assert.equal(
      await authHeader(kc),
      `Bearer ${jwt('system:serviceaccount:om:omsm', 1)}`,
      'cached until told',
    );
    assert.equal(invalidateFileTokens(kc), true);
    assert.equal(await authHeader(kc), `Bearer ${jwt('system:serviceaccount:om:omsm', 2)}`);
    const who = describeIdentity(kc);
    assert.ok(who.includes('system:serviceaccount:om:omsm'), who);
    assert.ok(!who.includes('eyJ'), 'never the token');
  });
}

test('an inline token wins over a token file; identity names the user, never the token', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-kc-'));
  const kc = loadKubeConfig({
    inCluster: false,
    kubeconfigPath: kubeconfig(dir, { token: 'opaque-token-value', tokenFile: '/nonexistent' }),
    namespace: 'om',
  });
  assert.equal(await authHeader(kc), 'Bearer opaque-token-value');
  assert.equal(invalidateFileTokens(kc), false);
  const who = describeIdentity(kc);
  assert.ok(who.includes('kubeconfig user "u"') && !who.includes('opaque-token-value'), who);
});

test('in-cluster mode needs KUBERNETES_SERVICE_HOST/PORT and the token file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-ic-'));
  const saved = { h: process.env.KUBERNETES_SERVICE_HOST, p: process.env.KUBERNETES_SERVICE_PORT };
  try {
    delete process.env.KUBERNETES_SERVICE_HOST;
    assert.throws(
      () => loadKubeConfig({ inCluster: true, kubeconfigPath: '', namespace: 'om', inClusterPrefix: dir }),
      {
        code: 'OMSM_ERR_KUBE_CONFIG',
      },
    );
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '6443';
    assert.throws(
      () => loadKubeConfig({ inCluster: true, kubeconfigPath: '', namespace: 'om', inClusterPrefix: dir }),
      {
        code: 'OMSM_ERR_KUBE_CONFIG',
      },
    );
    const sa = join(dir, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), jwt('system:serviceaccount:om:pod', 1), { mode: 0o600 });
    writeFileSync(join(sa, 'namespace'), 'om\n');
    const kc = loadKubeConfig({ inCluster: true, kubeconfigPath: '', namespace: 'om', inClusterPrefix: dir });
    assert.equal(kc.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    assert.ok(describeIdentity(kc).includes('system:serviceaccount:om:pod'));
  } finally {
    if (saved.h === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
    else process.env.KUBERNETES_SERVICE_HOST = saved.h;
    if (saved.p === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
    else process.env.KUBERNETES_SERVICE_PORT = saved.p;
  }
});

test('a missing or broken kubeconfig is a config error that does not quote the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-kc-'));
  assert.throws(
    () => loadKubeConfig({ inCluster: false, kubeconfigPath: join(dir, 'nope'), namespace: 'x' }),
    {
      code: 'OMSM_ERR_KUBE_CONFIG',
    },
  );
  const broken = join(dir, 'broken');
  writeFileSync(broken, 'users: [ {name: u, user: {token: "tok-in-broken-file"\n', { mode: 0o600 });
  assert.throws(
    () => loadKubeConfig({ inCluster: false, kubeconfigPath: broken, namespace: 'x' }),
    (e: Error & { code?: string }) =>
      e.code === 'OMSM_ERR_KUBE_CONFIG' && !e.message.includes('tok-in-broken-file'),
  );
  // A syntax error says where it is, so the operator can find it without the text being quoted.
  const unclosed = join(dir, 'unclosed');
  writeFileSync(unclosed, 'users:\n- name: u\n  user:\n    token: tok-in-unclosed\n  x: [a\n', {
    mode: 0o600,
  });
  assert.throws(
    () => loadKubeConfig({ inCluster: false, kubeconfigPath: unclosed, namespace: 'x' }),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'OMSM_ERR_KUBE_CONFIG');
      assert.match(e.message, /could not load .*unclosed: YAMLException at line \d+, column \d+$/);
      assert.ok(!e.message.includes('tok-in-unclosed'), 'the token is not quoted');
      return true;
    },
  );
});
