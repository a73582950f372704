import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fernet } from '../crypto/fernet.js';
import { createDbProvider } from '../providers/db-provider.js';
import { createInMemoryProvider, InMemoryStore } from '../providers/in-memory-provider.js';
import { loadSchemaRegistry } from '../schema/schema-registry.js';
import { isOmsmErrorCode } from '../../../test/support/assert-error-code.js';
import { createSecretsManager } from './secrets-manager.js';
import { type JsonObject, MASK } from './secrets-manager-types.js';

const schemas = loadSchemaRegistry();
const naming = { prefix: '', clusterName: 'openmetadata' };
const svc = { parts: ['database', 'my_service'], schema: 'Mysql' };
const REF = 'secret:openmetadata-database-my-service-authtype-password';

function memory() {
  const store = new InMemoryStore();
  const provider = createInMemoryProvider({ store });
  return { store, provider, sm: createSecretsManager({ provider, naming, schemas }) };
}

const mysql = (password: unknown): JsonObject =>
  ({ username: 'u', hostPort: 'h:3306', authType: { password } }) as JsonObject;

test('encrypt stores each password field under its id and keeps the reference', async () => {
  const { sm, store } = memory();
  const r = await sm.encrypt(svc, mysql('p1'));
  assert.deepEqual(r.config, mysql(REF));
  assert.deepEqual(r.written, [REF]);
  assert.deepEqual(r.deleted, []);
  assert.ok(store.peek('openmetadata-database-my-service-authtype-password') === 'p1');
});

test('bot JWT goes to openmetadata-bot-<bot>-config-jwttoken', async () => {
  const { sm } = memory();
  const r = await sm.encrypt(
    { parts: ['bot', 'ingestion-bot'], schema: 'AuthenticationMechanism' },
    { authType: 'JWT', config: { JWTToken: 'jwt', JWTTokenExpiry: 'Unlimited' } },
  );
  assert.equal(
    (r.config.config as JsonObject).JWTToken,
    'secret:openmetadata-bot-ingestion-bot-config-jwttoken',
  );
});

test('the mask sent back keeps the stored value with no write', async () => {
  const { sm, store } = memory();
  const first = await sm.encrypt(svc, mysql('p1'));
  const writes = store.writes;
  const second = await sm.encrypt(svc, mysql(MASK), first.config);
  assert.deepEqual(second.config, first.config);
  assert.deepEqual(second.written, []);
  assert.equal(store.writes, writes);
});

test('the mask with nothing stored is refused before any write', async () => {
  const { sm, store } = memory();
  await assert.rejects(
    sm.encrypt(svc, { ...mysql(MASK), sslConfig: { sslKey: 'k' } }),
    isOmsmErrorCode('OMSM_ERR_SECRET_INVALID'),
  );
  assert.equal(store.entries.size, 0);
});

for (const cleared of [null, '']) {
  test(`clearing with ${JSON.stringify(cleared)} deletes the secret and stores null`, async () => {
    const { sm, store } = memory();
    const first = await sm.encrypt(svc, mysql('p1'));
    const r = await sm.encrypt(svc, mysql(cleared), first.config);
    assert.equal((r.config.authType as JsonObject).password, null);
    assert.deepEqual(r.deleted, [REF]);
    assert.equal(store.entries.size, 0);
  });
}

test('a field absent from the update deletes its previous secret', async () => {
  const { sm, store } = memory();
  const first = await sm.encrypt(svc, { ...mysql('p1'), sslConfig: { sslKey: 'k' } });
  assert.equal(store.entries.size, 2);
  const r = await sm.encrypt(svc, mysql(MASK), first.config);
  assert.deepEqual(r.deleted, ['secret:openmetadata-database-my-service-sslconfig-sslkey']);
  assert.equal(store.entries.size, 1);
});

test('a secret: value is kept with no backend call', async () => {
  const { sm, store } = memory();
  const r = await sm.encrypt(svc, mysql('secret:my-own-secret'));
  assert.equal((r.config.authType as JsonObject).password, 'secret:my-own-secret');
  assert.equal(store.writes, 0);
  assert.deepEqual(r.written, []);
});

test("clearing a user's own reference never deletes their Secret", async () => {
  const { sm, store } = memory();
  store.putForeign('my-own-secret', 'theirs');
  const first = await sm.encrypt(svc, mysql('secret:my-own-secret'));
  const r = await sm.encrypt(svc, mysql(null), first.config);
  assert.deepEqual(r.deleted, []);
  assert.ok(store.peek('my-own-secret') === 'theirs');
  await sm.deleteAll(svc, first.config);
  assert.ok(store.peek('my-own-secret') === 'theirs');
});

test('resolve returns values; mask hides them; decrypt leaves references', async () => {
  const { sm } = memory();
  const { config } = await sm.encrypt(svc, mysql('p1'));
  const resolved = await sm.resolve(svc, config);
  assert.ok((resolved.authType as JsonObject).password === 'p1');
  assert.deepEqual(sm.mask(svc, resolved), mysql(MASK));
  assert.deepEqual(sm.mask(svc, config), mysql(MASK));
  assert.deepEqual(await sm.decrypt(svc, config), config);
});

test('mask is pure and leaves cleared fields visible', () => {
  const { sm } = memory();
  const input = mysql(null);
  const snapshot = structuredClone(input);
  assert.deepEqual(sm.mask(svc, input), mysql(null));
  const withValue = mysql('x');
  sm.mask(svc, withValue);
  assert.equal((withValue.authType as JsonObject).password, 'x');
  assert.deepEqual(input, snapshot);
});

test('resolve fails closed on a missing Secret, naming the reference', async () => {
  const { sm } = memory();
  await assert.rejects(
    sm.resolve(svc, mysql(REF)),
    (err: Error & { code?: string; details?: { secretName?: string } }) => {
      isOmsmErrorCode('OMSM_ERR_SECRET_UNRESOLVED')(err);
      assert.match(err.message, new RegExp(REF));
      assert.equal(err.details?.secretName, REF);
      return true;
    },
  );
});

test('resolve fails closed when the provider cannot read the form (db meets secret:)', async () => {
  const provider = createDbProvider({ fernetKey: Fernet.generateKey() });
  const sm = createSecretsManager({ provider, naming, schemas });
  await assert.rejects(sm.resolve(svc, mysql(REF)), isOmsmErrorCode('OMSM_ERR_SECRET_UNRESOLVED'));
});

test('db: encrypt gives fernet: values, decrypt and resolve open them', async () => {
  const provider = createDbProvider({ fernetKey: Fernet.generateKey() });
  const sm = createSecretsManager({ provider, naming, schemas });
  const { config } = await sm.encrypt(svc, mysql('p1'));
  const stored = (config.authType as JsonObject).password as string;
  assert.match(stored, /^fernet:/);
  assert.ok(((await sm.decrypt(svc, config)).authType as JsonObject).password === 'p1');
  assert.ok(((await sm.resolve(svc, config)).authType as JsonObject).password === 'p1');
  const kept = await sm.encrypt(svc, mysql(MASK), config);
  assert.equal((kept.config.authType as JsonObject).password, stored);
});

test('legacy fernet: values are read through the fernet option when another provider is configured', async () => {
  const key = Fernet.generateKey();
  const fernet = Fernet.fromConfig(key)!;
  const legacy = mysql(`fernet:${fernet.encrypt('old')}`);
  const { provider } = memory();
  const without = createSecretsManager({ provider, naming, schemas });
  await assert.rejects(without.resolve(svc, legacy), isOmsmErrorCode('OMSM_ERR_SECRET_UNRESOLVED'));
  const withKey = createSecretsManager({ provider, naming, schemas, fernet });
  assert.ok(((await withKey.resolve(svc, legacy)).authType as JsonObject).password === 'old');
});

test('deleteAll removes every secret of the entity and is idempotent', async () => {
  const { sm, store } = memory();
  const { config } = await sm.encrypt(svc, { ...mysql('p1'), sslConfig: { sslKey: 'k' } });
  await sm.deleteAll(svc, config);
  assert.equal(store.entries.size, 0);
  await sm.deleteAll(svc, config);
});

test('two services whose names clean alike cannot overwrite each other', async () => {
  const { sm, store } = memory();
  await sm.encrypt({ parts: ['database', 'my_db'], schema: 'Mysql' }, mysql('first'));
  await assert.rejects(
    sm.encrypt({ parts: ['database', 'my-db'], schema: 'Mysql' }, mysql('second')),
    isOmsmErrorCode('OMSM_ERR_SECRET_NOT_OURS'),
  );
  assert.ok(store.peek('openmetadata-database-my-db-authtype-password') === 'first');
});

test('errors never carry the value', async () => {
  const { sm } = memory();
  const value = 'very-secret-value-123';
  await sm.encrypt({ parts: ['database', 'a_b'], schema: 'Mysql' }, mysql('x'));
  await assert.rejects(
    sm.encrypt({ parts: ['database', 'a-b'], schema: 'Mysql' }, mysql(value)),
    (err: Error) => {
      assert.ok(!JSON.stringify({ m: err.message, e: err }).includes(value));
      return true;
    },
  );
});

test('passwordPaths is exposed from the schema registry', () => {
  const { sm } = memory();
  assert.deepEqual(sm.passwordPaths('Mysql', mysql('x')), [['authType', 'password']]);
});
