/**
 * `openProvider` (the composition root above core) picks the configured provider, passes
 * read-only on, and loads the kubernetes module only for `kubernetes`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './core/config/load-config.js';
import { asOmsmError } from './core/errors.js';
import { secretId } from './core/naming/secret-name.js';
import { InMemoryStore } from './core/providers/in-memory-provider.js';
import { openProvider } from './providers.js';

const id = secretId({ prefix: '', clusterName: 'openmetadata' }, ['database', 'svc', 'password']);

test('db is the default and stores fernet: values', async () => {
  const p = await openProvider(loadConfig({ env: {} }));
  assert.equal(p.name, 'db');
  assert.match(await p.store(id, 'v'), /^fernet:/);
});

test('in-memory providers share a store and honour readOnly', async () => {
  const config = loadConfig({ env: { SECRET_MANAGER: 'in-memory' } });
  const inMemoryStore = new InMemoryStore();
  const rw = await openProvider(config, { inMemoryStore });
  const ro = await openProvider(config, { inMemoryStore, readOnly: true });
  const stored = await rw.store(id, 'v');
  assert.ok((await ro.get(stored)) === 'v');
  assert.equal(ro.capability, 'ReadOnly');
  await assert.rejects(
    ro.store(id, 'w'),
    (e: unknown) => asOmsmError(e)?.code === 'OMSM_ERR_SECRET_READ_ONLY',
  );
});

test('kubernetes with an unreadable kubeconfig is a connection config error, not a crash', async () => {
  const config = loadConfig({
    env: {
      SECRET_MANAGER: 'kubernetes',
      OM_SM_KUBECONFIG_PATH: '/nonexistent/kubeconfig',
      OM_SM_ACCESS_CHECK: 'off',
    },
  });
  await assert.rejects(openProvider(config), (e: unknown) => {
    const err = asOmsmError(e);
    assert.ok(err, String(e));
    assert.equal(err.code, 'OMSM_ERR_KUBE_CONFIG');
    return true;
  });
});
