import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../core/config/load-config.js';
import type { ProviderConfig } from '../core/providers/module.js';
import type { SecretsProvider } from '../core/providers/provider.js';
import { createKubernetesModule, kubernetesModule } from './module.js';

const dir = mkdtempSync(join(tmpdir(), 'omsm-kube-module-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, server: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${server}"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
  );
  return file;
}

function config(kubeconfigPath: string, namespace = 'om'): ProviderConfig {
  return loadConfig({
    env: { SECRET_MANAGER: 'kubernetes', OM_SM_NAMESPACE: namespace, OM_SM_KUBECONFIG_PATH: kubeconfigPath },
  });
}

test('describe names the namespace and how it connects; workflows carry the namespace', () => {
  const c = config('/etc/omsm/kubeconfig');
  assert.equal(kubernetesModule.describe(c), 'kubernetes (namespace om, kubeconfig /etc/omsm/kubeconfig)');
  assert.deepEqual(kubernetesModule.workflowSettings?.(c), { secretsManagerNamespace: 'om' });
  assert.equal(kubernetesModule.inline, false);
  assert.equal(kubernetesModule.fernetKey, 'reads');
});

test('sameStore: the same settings, or two kubeconfigs reaching the same server and namespace', async () => {
  const a = kubeconfig('a.yaml', 'https://k8s.example:6443');
  const b = kubeconfig('b.yaml', 'https://k8s.example:6443');
  const other = kubeconfig('other.yaml', 'https://elsewhere.example:6443');
  assert.equal(await kubernetesModule.sameStore(config(a), config(a)), 'are the same');
  assert.equal(
    await kubernetesModule.sameStore(config(a), config(b)),
    'reach the same API server and namespace',
  );
  assert.equal(await kubernetesModule.sameStore(config(a), config(b, 'other')), undefined);
  assert.equal(await kubernetesModule.sameStore(config(a), config(other)), undefined);
});

test('readiness: the API answers a get, and the start-up self-check passed', async () => {
  const healthy = { exists: async () => false, access: { state: 'Ready', message: 'ok' } };
  const checks = kubernetesModule.readiness?.(healthy as unknown as SecretsProvider) ?? [];
  assert.deepEqual(
    checks.map((c) => c.name),
    ['kubernetes', 'kubernetes-rbac'],
  );
  assert.deepEqual(await Promise.all(checks.map((c) => c.check())), [{ ok: true }, { ok: true }]);
  const broken = {
    exists: async () =>
      Promise.reject(Object.assign(new Error('x'), { code: 'OMSM_ERR_SECRET_UNAVAILABLE' })),
    access: { state: 'Error', message: 'may not create' },
  };
  const bad = kubernetesModule.readiness?.(broken as unknown as SecretsProvider) ?? [];
  assert.deepEqual(await Promise.all(bad.map((c) => c.check())), [
    { ok: false, detail: 'Kubernetes API not usable (OMSM_ERR_SECRET_UNAVAILABLE)' },
    { ok: false, detail: 'may not create' },
  ]);
});

test('doctor: failed reviews are mapped (HTTP status, transport code), never reported as allowed', async () => {
  const module = createKubernetesModule({
    probe: () => ({
      server: 'https://k8s.example',
      identityHint: 'kubeconfig user "u"',
      whoami: async () => ({ username: 'system:serviceaccount:om:omsm', groups: [] }),
      canI: async (_ns, verb) => {
        if (verb === 'get') return { allowed: true };
        if (verb === 'create') throw Object.assign(new Error('body'), { code: 500, body: '{}' });
        throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      },
      close() {},
    }),
  });
  const r = await module.doctor!.checks({
    config: config('/x'),
    role: 'server',
    withList: false,
    accessFix: (u) => `fix for ${u}`,
  });
  assert.equal(r.reached, true);
  const byId = Object.fromEntries(r.checks.map((c) => [c.id, c]));
  assert.equal(byId['verb:get']?.status, 'ok');
  assert.equal(byId['verb:create']?.status, 'fail');
  assert.match(byId['verb:create']!.message, /\(HTTP 500\)$/);
  assert.match(byId['verb:update']!.message, /\(ECONNRESET\)$/);
});
