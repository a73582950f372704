import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fernet, NO_ENCRYPTION } from '../crypto/fernet.js';
import { secretId } from '../naming/secret-name.js';
import { isOmsmErrorCode } from '../../../test/support/assert-error-code.js';
import { runProviderConformance } from '../../../test/support/provider-conformance.case.js';
import { createDbProvider } from './db-provider.js';
import { createInMemoryProvider, InMemoryStore } from './in-memory-provider.js';
import { dbModule, inMemoryModule } from './core-modules.js';
import { coreProviderRegistry, ProviderRegistry } from './registry.js';

const KEY = Fernet.generateKey();

runProviderConformance('in-memory', async () => {
  const provider = createInMemoryProvider();
  return { provider, close: () => provider.close() };
});

const dbSkips = {
  'external stored form is secret:<name>': 'db keeps the value inline as fernet:<token>',
  'a different id under a taken name is refused (no silent overwrite)':
    'db values live in their own rows; there is no shared name to collide on',
  'exists follows store and delete':
    'db delete is a no-op: the row holding the token is rewritten by the caller',
  'delete is idempotent': 'db delete is a no-op (see above)',
  'deleting an absent secret succeeds': 'db has no secret: stored forms to delete',
  'get of an absent secret is undefined': 'db has no remote secrets that could be absent',
};

runProviderConformance(
  'db (Fernet)',
  async () => {
    const provider = createDbProvider({ fernetKey: KEY });
    return { provider, close: () => provider.close() };
  },
  { skip: dbSkips },
);

runProviderConformance(
  'db (no_encryption_at_rest)',
  async () => {
    const provider = createDbProvider({ fernetKey: NO_ENCRYPTION });
    return { provider, close: () => provider.close() };
  },
  {
    skip: {
      ...dbSkips,
      'round trip: looks like a reference':
        'without encryption a plain value starting with secret: is indistinguishable from a reference',
    },
  },
);

const id = secretId({ prefix: '', clusterName: 'openmetadata' }, ['database', 'svc', 'password']);

test('db: stored form is fernet:<token> and decrypts with a rotated key list', async () => {
  const oldKey = Fernet.generateKey();
  const stored = await createDbProvider({ fernetKey: oldKey }).store(id, 'v');
  assert.match(stored, /^fernet:gAAAAA/);
  const rotated = createDbProvider({ fernetKey: `${Fernet.generateKey()},${oldKey}` });
  assert.ok((await rotated.get(stored)) === 'v');
});

test('db: a token no configured key opens is OMSM_ERR_FERNET_TOKEN', async () => {
  const stored = await createDbProvider({ fernetKey: KEY }).store(id, 'v');
  await assert.rejects(
    createDbProvider({ fernetKey: Fernet.generateKey() }).get(stored),
    isOmsmErrorCode('OMSM_ERR_FERNET_TOKEN'),
  );
});

test('db: no_encryption_at_rest keeps the plain value and refuses Fernet tokens', async () => {
  const plain = createDbProvider({ fernetKey: NO_ENCRYPTION });
  assert.ok((await plain.store(id, 'v')) === 'v');
  const token = await createDbProvider({ fernetKey: KEY }).store(id, 'v');
  await assert.rejects(plain.get(token), isOmsmErrorCode('OMSM_ERR_FERNET_KEY'));
});

test('read-only providers refuse writes', async () => {
  const store = new InMemoryStore();
  const rw = createInMemoryProvider({ store });
  const stored = await rw.store(id, 'v');
  const ro = createInMemoryProvider({ store, readOnly: true });
  assert.equal(ro.capability, 'ReadOnly');
  assert.ok((await ro.get(stored)) === 'v');
  await assert.rejects(ro.store(id, 'w'), isOmsmErrorCode('OMSM_ERR_SECRET_READ_ONLY'));
  await assert.rejects(ro.delete(stored), isOmsmErrorCode('OMSM_ERR_SECRET_READ_ONLY'));
  const roDb = createDbProvider({ fernetKey: KEY, readOnly: true });
  await assert.rejects(roDb.store(id, 'w'), isOmsmErrorCode('OMSM_ERR_SECRET_READ_ONLY'));
});

test('in-memory: a foreign Secret is readable but never overwritten or deleted', async () => {
  const store = new InMemoryStore();
  store.putForeign(id.name, 'theirs');
  const p = createInMemoryProvider({ store });
  assert.ok((await p.get(`secret:${id.name}`)) === 'theirs');
  await assert.rejects(p.store(id, 'ours'), isOmsmErrorCode('OMSM_ERR_SECRET_NOT_OURS'));
  await assert.rejects(p.delete(`secret:${id.name}`), isOmsmErrorCode('OMSM_ERR_SECRET_NOT_OURS'));
  assert.ok(store.peek(id.name) === 'theirs');
});

test('in-memory: an unchanged store makes no write', async () => {
  const store = new InMemoryStore();
  const p = createInMemoryProvider({ store });
  await p.store(id, 'v');
  await p.store(id, 'v');
  assert.equal(store.writes, 1);
});

test('registry: duplicate registration throws; unknown name is a provider error', async () => {
  const r = coreProviderRegistry();
  assert.deepEqual(r.names().sort(), ['db', 'in-memory']);
  assert.throws(() => r.register(inMemoryModule), isOmsmErrorCode('OMSM_ERR_INTERNAL'));
  assert.throws(() => r.registerLazy('db', async () => inMemoryModule), isOmsmErrorCode('OMSM_ERR_INTERNAL'));
  const empty = new ProviderRegistry();
  const { loadConfig } = await import('../config/load-config.js');
  await assert.rejects(empty.open(loadConfig({ env: {} })), isOmsmErrorCode('OMSM_ERR_CONFIG_PROVIDER'));
});

test('registry: a lazy module loads once, on first use, and must carry the name it is registered under', async () => {
  let loads = 0;
  const r = new ProviderRegistry().registerLazy('kubernetes', async () => {
    loads++;
    return { ...inMemoryModule, name: 'kubernetes' };
  });
  assert.equal(loads, 0);
  assert.equal((await r.module('kubernetes')).name, 'kubernetes');
  await r.module('kubernetes');
  assert.equal(loads, 1);
  const wrong = new ProviderRegistry().registerLazy('kubernetes', async () => dbModule);
  await assert.rejects(wrong.module('kubernetes'), isOmsmErrorCode('OMSM_ERR_INTERNAL'));
});

test('core modules: db keeps values inline and uses the Fernet key to store; in-memory uses no key', async () => {
  const { loadConfig } = await import('../config/load-config.js');
  const config = loadConfig({ env: {} });
  assert.equal(dbModule.inline, true);
  assert.equal(dbModule.fernetKey, 'stores');
  assert.equal(inMemoryModule.fernetKey, undefined);
  assert.equal(dbModule.describe(config), 'db (Fernet in the database)');
  assert.equal(await dbModule.sameStore(config, config), 'are the same');
  assert.equal((await dbModule.open(config, {})).name, 'db');
});
