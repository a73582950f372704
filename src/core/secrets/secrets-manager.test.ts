import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fernet } from '../crypto/fernet.js';
import { createDbProvider } from '../providers/db-provider.js';
import { createInMemoryProvider, InMemoryStore } from '../providers/in-memory-provider.js';
import { loadSchemaRegistry } from '../schema/schema-registry.js';
import { isOmsmErrorCode } from '../../../test/support/assert-error-code.js';
import { createSecretsManager } from './secrets-manager.js';
import { type EntityScope, type JsonObject, MASK, type SecretsManager } from './secrets-manager-types.js';

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

/** Plans, applies and commits one write, as the entity writer does around a committed row. */
async function write(sm: SecretsManager, scope: EntityScope, config: JsonObject, previous?: JsonObject) {
  const plan = sm.planWrite(scope, config, previous);
  const out = await plan.apply();
  await plan.commit();
  return { config: out };
}

test('a write stores each password field under its id and keeps the reference', async () => {
  const { sm, store } = memory();
  const r = await write(sm, svc, mysql('p1'));
  assert.deepEqual(r.config, mysql(REF));
  assert.ok(store.peek('openmetadata-database-my-service-authtype-password') === 'p1');
});

test('bot JWT goes to openmetadata-bot-<bot>-config-jwttoken', async () => {
  const { sm } = memory();
  const r = await write(
    sm,
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
  const first = await write(sm, svc, mysql('p1'));
  const writes = store.writes;
  const second = await write(sm, svc, mysql(MASK), first.config);
  assert.deepEqual(second.config, first.config);
  assert.equal(store.writes, writes);
});

test('the mask with nothing stored is refused before any write', async () => {
  const { sm, store } = memory();
  await assert.rejects(
    write(sm, svc, { ...mysql(MASK), sslConfig: { sslKey: 'k' } }),
    isOmsmErrorCode('OMSM_ERR_SECRET_INVALID'),
  );
  assert.equal(store.entries.size, 0);
});

for (const cleared of [null, '']) {
  test(`clearing with ${JSON.stringify(cleared)} deletes the secret and stores null`, async () => {
    const { sm, store } = memory();
    const first = await write(sm, svc, mysql('p1'));
    const r = await write(sm, svc, mysql(cleared), first.config);
    assert.equal((r.config.authType as JsonObject).password, null);
    assert.equal(store.entries.size, 0);
  });
}

test('a field absent from the update deletes its previous secret', async () => {
  const { sm, store } = memory();
  const first = await write(sm, svc, { ...mysql('p1'), sslConfig: { sslKey: 'k' } });
  assert.equal(store.entries.size, 2);
  const r = await write(sm, svc, mysql(MASK), first.config);
  assert.equal(store.peek('openmetadata-database-my-service-sslconfig-sslkey'), undefined);
  assert.equal((r.config.sslConfig as JsonObject | undefined)?.sslKey, undefined);
  assert.equal(store.entries.size, 1);
});

test("the field's own reference sent back is kept with no backend call", async () => {
  const { sm, store } = memory();
  const r = await write(sm, svc, mysql(REF));
  assert.equal((r.config.authType as JsonObject).password, REF);
  assert.equal(store.writes, 0);
});

for (const foreign of ['secret:unrelated-app-db', 'secret:openmetadata-database-other-authtype-password']) {
  test(`a reference to another Secret (${foreign}) is refused before any backend call`, async () => {
    const { sm, store } = memory();
    assert.throws(
      () => sm.planWrite(svc, mysql(foreign)),
      (err: Error & { details?: { path?: string } }) => {
        isOmsmErrorCode('OMSM_ERR_SECRET_FOREIGN_REFERENCE')(err);
        assert.equal(err.details?.path, 'authType.password');
        return true;
      },
    );
    assert.equal(store.writes, 0);
  });
}

test("a fernet: value is kept only when it is the field's current stored form", async () => {
  const provider = createDbProvider({ fernetKey: Fernet.generateKey() });
  const sm = createSecretsManager({ provider, naming, schemas });
  const { config } = await write(sm, svc, mysql('p1'));
  const other = await write(sm, { parts: ['database', 'other'], schema: 'Mysql' }, mysql('p2'));
  const copied = (other.config.authType as JsonObject).password as string;
  assert.throws(
    () => sm.planWrite(svc, mysql(copied), config),
    isOmsmErrorCode('OMSM_ERR_SECRET_FOREIGN_REFERENCE'),
  );
  const same = (config.authType as JsonObject).password as string;
  assert.equal(((await write(sm, svc, mysql(same), config)).config.authType as JsonObject).password, same);
});

test('a reference elsewhere found in an old row is dropped when cleared, its Secret never deleted', async () => {
  const { sm, store } = memory();
  store.putForeign('my-own-secret', 'theirs');
  const legacy = mysql('secret:my-own-secret');
  const r = await write(sm, svc, mysql(null), legacy);
  assert.equal((r.config.authType as JsonObject).password, null);
  assert.ok(store.peek('my-own-secret') === 'theirs');
  await sm.planRemoval(svc, legacy).commit();
  assert.ok(store.peek('my-own-secret') === 'theirs');
});

test('undo deletes what apply created and writes back what it overwrote', async () => {
  const { sm, store } = memory();
  const first = await write(sm, svc, mysql('p1'));
  const name = 'openmetadata-database-my-service-authtype-password';
  const sslName = 'openmetadata-database-my-service-sslconfig-sslkey';
  const plan = sm.planWrite(svc, { ...mysql('p2'), sslConfig: { sslKey: 'k' } }, first.config, {
    hint: 'existing',
  });
  await plan.apply();
  assert.ok(store.peek(name) === 'p2' && store.peek(sslName) === 'k');
  await plan.undo();
  assert.ok(store.peek(name) === 'p1');
  assert.equal(store.peek(sslName), undefined);
});

test('commit, not apply, deletes the Secret of a cleared field', async () => {
  const { sm, store } = memory();
  const first = await write(sm, svc, mysql('p1'));
  const plan = sm.planWrite(svc, mysql(null), first.config);
  await plan.apply();
  assert.equal(store.entries.size, 1);
  await plan.commit();
  assert.equal(store.entries.size, 0);
});

test('resolve returns values; mask hides them; decrypt leaves references', async () => {
  const { sm } = memory();
  const { config } = await write(sm, svc, mysql('p1'));
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

test('db: a write gives fernet: values, decrypt and resolve open them', async () => {
  const provider = createDbProvider({ fernetKey: Fernet.generateKey() });
  const sm = createSecretsManager({ provider, naming, schemas });
  const { config } = await write(sm, svc, mysql('p1'));
  const stored = (config.authType as JsonObject).password as string;
  assert.match(stored, /^fernet:/);
  assert.ok(((await sm.decrypt(svc, config)).authType as JsonObject).password === 'p1');
  assert.ok(((await sm.resolve(svc, config)).authType as JsonObject).password === 'p1');
  const kept = await write(sm, svc, mysql(MASK), config);
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

test('planRemoval removes every secret of the entity and is idempotent', async () => {
  const { sm, store } = memory();
  const { config } = await write(sm, svc, { ...mysql('p1'), sslConfig: { sslKey: 'k' } });
  await sm.planRemoval(svc, config).commit();
  assert.equal(store.entries.size, 0);
  await sm.planRemoval(svc, config).commit();
});

test('two services whose names clean alike cannot overwrite each other', async () => {
  const { sm, store } = memory();
  await write(sm, { parts: ['database', 'my_db'], schema: 'Mysql' }, mysql('first'));
  await assert.rejects(
    write(sm, { parts: ['database', 'my-db'], schema: 'Mysql' }, mysql('second')),
    isOmsmErrorCode('OMSM_ERR_SECRET_NOT_OURS'),
  );
  assert.ok(store.peek('openmetadata-database-my-db-authtype-password') === 'first');
});

test('errors never carry the value', async () => {
  const { sm } = memory();
  const value = 'very-secret-value-123';
  await write(sm, { parts: ['database', 'a_b'], schema: 'Mysql' }, mysql('x'));
  await assert.rejects(
    write(sm, { parts: ['database', 'a-b'], schema: 'Mysql' }, mysql(value)),
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
