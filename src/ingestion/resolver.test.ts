import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canary } from '../../test/support/canary.js';
import { OmsmError, omsmError } from '../core/errors.js';
import { secretId } from '../core/naming/secret-name.js';
import { createDbProvider } from '../core/providers/db-provider.js';
import { FakeProvider } from '../../test/support/fake-read-only-provider.js';

const FERNET_KEY = Buffer.alloc(32, 7).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');
import { SecretResolver } from './resolver.js';
import { scanReferences } from './references.js';

function setup(opts: { concurrency?: number; cacheTtlMs?: number; now?: () => number } = {}) {
  const provider = new FakeProvider();
  const resolver = new SecretResolver({ provider, providerName: 'kubernetes', namespace: 'prod', ...opts });
  return { provider, resolver };
}

function unresolved(err: unknown): OmsmError {
  assert.ok(err instanceof OmsmError, 'an OmsmError');
  assert.equal(err.code, 'OMSM_ERR_SECRET_UNRESOLVED');
  return err;
}

describe('SecretResolver', () => {
  test('resolves every reference at any depth, arrays included, one read per distinct name', async () => {
    const { provider, resolver } = setup();
    const pw = canary();
    const token = canary();
    provider.values.set('db-password', pw);
    provider.values.set('jwt', token);
    const config = {
      source: { serviceConnection: { config: { authType: { password: 'secret:db-password' }, port: 3306 } } },
      workflowConfig: { openMetadataServerConfig: { securityConfig: { jwtToken: 'secret:jwt' } } },
      list: ['plain', 'secret:db-password', [{ deep: 'secret:jwt' }]],
      n: null,
      t: true,
    };
    const out = await resolver.resolveConfig(config);
    assert.equal(out.source.serviceConnection.config.authType.password, pw);
    assert.equal(out.source.serviceConnection.config.port, 3306);
    assert.equal(out.workflowConfig.openMetadataServerConfig.securityConfig.jwtToken, token);
    assert.equal(out.list[1], pw);
    assert.deepEqual(out.list[2], [{ deep: token }]);
    assert.equal(out.list[0], 'plain');
    assert.equal(out.n, null);
    assert.equal(config.list[1], 'secret:db-password', 'the input is not modified');
    assert.deepEqual([...provider.reads].sort(), ['db-password', 'jwt']);
  });

  test('strips the prefix once: secret:secret:x is not the Secret x', async () => {
    const { provider, resolver } = setup();
    provider.values.set('x', canary());
    await assert.rejects(resolver.resolveReference('secret:secret:x'), (e) => {
      const err = unresolved(e);
      assert.match(err.message, /not a valid Kubernetes Secret name/);
      return true;
    });
    assert.deepEqual(provider.reads, []);
  });

  test('fails closed and reports every failure together, naming reference, namespace and cause', async () => {
    const { provider, resolver } = setup();
    provider.values.set('good', canary());
    provider.failures.set(
      'denied',
      omsmError('OMSM_ERR_SECRET_FORBIDDEN', 'get on secrets "denied" in namespace "prod" is forbidden'),
    );
    provider.failures.set('down', omsmError('OMSM_ERR_SECRET_UNAVAILABLE', 'API server unreachable'));
    const config = {
      a: 'secret:good',
      b: 'secret:missing',
      c: { d: 'secret:denied' },
      e: ['secret:down'],
    };
    await assert.rejects(resolver.resolveConfig(config), (e) => {
      const err = unresolved(e);
      assert.match(err.message, /3 references cannot be resolved/);
      assert.match(err.message, /namespace "prod"/);
      assert.match(err.message, /secret:missing \(at b\): no Secret "missing" in namespace "prod"/);
      assert.match(err.message, /secret:denied \(at c\.d\): OMSM_ERR_SECRET_FORBIDDEN/);
      assert.match(err.message, /secret:down \(at e\[0\]\): OMSM_ERR_SECRET_UNAVAILABLE/);
      assert.doesNotMatch(err.message, /secret:good/);
      assert.equal(err.details.namespace, 'prod');
      assert.equal((err.details.references as unknown[]).length, 3);
      return true;
    });
  });

  test('a single failure carries the Secret name and the cause chain', async () => {
    const { provider, resolver } = setup();
    const cause = omsmError('OMSM_ERR_SECRET_FORBIDDEN', 'forbidden');
    provider.failures.set('s', cause);
    await assert.rejects(resolver.resolveReference('secret:s'), (e) => {
      const err = unresolved(e);
      assert.equal(err.details.secretName, 's');
      assert.equal(err.cause, cause);
      return true;
    });
  });

  test('a foreign error is reported by class only (its text may hold headers)', async () => {
    const { provider, resolver } = setup();
    provider.failures.set('s', new TypeError('Authorization: Bearer abc'));
    await assert.rejects(resolver.resolveReference('secret:s'), (e) => {
      const err = unresolved(e);
      assert.match(err.message, /unexpected TypeError/);
      assert.doesNotMatch(err.message, /Bearer/);
      return true;
    });
  });

  test('a string that starts with secret: but is no valid name is refused without being echoed', async () => {
    const { resolver } = setup();
    const value = `secret:Not A Name ${canary()}`;
    await assert.rejects(resolver.resolveConfig({ password: value }), (e) => {
      const err = unresolved(e);
      assert.match(err.message, /\(invalid reference\) \(at password\)/);
      return true;
    });
  });

  test('fernet tokens: refused without a decryptor; opened with one (plain or holding a reference)', async () => {
    const { resolver } = setup();
    const cfg = { p: 'fernet:gAAAAABk1234567890abcdef_-==', note: 'fernet: is a word' };
    await assert.rejects(resolver.resolveConfig(cfg), (e) => {
      assert.match(unresolved(e).message, /\(fernet token\) \(at p\).*only the db provider opens these/);
      return true;
    });

    const db = createDbProvider({ fernetKey: FERNET_KEY });
    const pw = canary();
    const inner = canary();
    const provider = new FakeProvider();
    provider.values.set('inner', inner);
    const withKey = new SecretResolver({
      provider,
      providerName: 'kubernetes',
      namespace: 'prod',
      decryptor: () => createDbProvider({ fernetKey: FERNET_KEY, readOnly: true }),
    });
    const tokenPlain = await db.store(secretId({ prefix: '', clusterName: 'om' }, ['x']), pw);
    const tokenRef = await db.store(secretId({ prefix: '', clusterName: 'om' }, ['y']), 'secret:inner');
    const out = await withKey.resolveConfig({ a: tokenPlain, b: [tokenRef], c: tokenPlain });
    assert.deepEqual(out, { a: pw, b: [inner], c: pw });
    const wrongKey = new SecretResolver({
      provider: null,
      providerName: 'db',
      namespace: '-',
      decryptor: () => createDbProvider({ fernetKey: OTHER_KEY, readOnly: true }),
    });
    await assert.rejects(wrongKey.resolveConfig({ a: tokenPlain }), (e) => {
      assert.match(unresolved(e).message, /\(fernet token\) \(at a\): OMSM_ERR_FERNET_TOKEN.*set FERNET_KEY/);
      return true;
    });
  });

  test('the db provider resolves nothing: a reference in a db-mode config is an error, plain values pass', async () => {
    const resolver = new SecretResolver({ provider: null, providerName: 'db', namespace: 'default' });
    const pw = canary();
    assert.deepEqual(await resolver.resolveConfig({ password: pw }), { password: pw });
    await assert.rejects(resolver.resolveConfig({ password: 'secret:x' }), (e) => {
      assert.match(unresolved(e).message, /secretsManagerProvider is db/);
      return true;
    });
  });

  test('concurrency is bounded and identical concurrent reads are shared', async () => {
    const { provider, resolver } = setup({ concurrency: 4 });
    provider.delayMs = 5;
    const refs = Array.from({ length: 40 }, (_, i) => `secret:s${i}`);
    for (let i = 0; i < 40; i++) provider.values.set(`s${i}`, canary());
    const [a, b] = await Promise.all([resolver.resolveReferences(refs), resolver.resolveReferences(refs)]);
    assert.equal(a.size, 40);
    assert.deepEqual([...a], [...b]);
    assert.equal(provider.maxActive, 4);
    assert.equal(provider.reads.length, 40);
  });

  test('cache: off by default; with a TTL a second resolve reads nothing until the TTL passes', async () => {
    const off = setup();
    off.provider.values.set('s', canary());
    await off.resolver.resolveReference('secret:s');
    await off.resolver.resolveReference('secret:s');
    assert.equal(off.provider.reads.length, 2);

    let now = 1000;
    const on = setup({ cacheTtlMs: 60_000, now: () => now });
    const v1 = canary();
    on.provider.values.set('s', v1);
    assert.equal(await on.resolver.resolveReference('secret:s'), v1);
    on.provider.values.set('s', canary());
    assert.equal(await on.resolver.resolveReference('secret:s'), v1, 'served from the cache');
    assert.equal(on.provider.reads.length, 1);
    now += 60_000;
    assert.notEqual(await on.resolver.resolveReference('secret:s'), v1, 'expired, read again');
    assert.equal(on.provider.reads.length, 2);
  });

  test('cache never keeps failures: a fixed Secret is seen on the next resolve', async () => {
    const { provider, resolver } = setup({ cacheTtlMs: 60_000 });
    await assert.rejects(resolver.resolveReference('secret:late'));
    const v = canary();
    provider.values.set('late', v);
    assert.equal(await resolver.resolveReference('secret:late'), v);
  });

  test('check reports each reference without values and never throws for bad ones', async () => {
    const { provider, resolver } = setup();
    provider.values.set('ok', canary());
    const report = await resolver.check({ a: 'secret:ok', b: ['secret:gone', 'secret:ok'] });
    assert.deepEqual(
      report.map((r) => ({ reference: r.reference, ok: r.ok, paths: r.paths, code: r.code })),
      [
        { reference: 'secret:ok', ok: true, paths: ['a', 'b[1]'], code: undefined },
        { reference: 'secret:gone', ok: false, paths: ['b[0]'], code: 'OMSM_ERR_SECRET_NOT_FOUND' },
      ],
    );
    assert.ok(!JSON.stringify(report.map(({ cause: _c, ...r }) => r)).includes('omsm-canary'));
  });

  test('close drops the cache and closes the provider', async () => {
    const { provider, resolver } = setup({ cacheTtlMs: 60_000 });
    provider.values.set('s', canary());
    await resolver.resolveReference('secret:s');
    await resolver.close();
    assert.equal(provider.closed, true);
  });
});

describe('scanReferences', () => {
  test('paths: dotted keys, [i] for arrays, quoted odd keys; keys themselves are never references', () => {
    const scan = scanReferences({ 'secret:key': 'x', a: { 'b.c': 'secret:n', list: [0, 'secret:n'] } });
    assert.deepEqual([...scan.references], [['secret:n', ['a["b.c"]', 'a.list[1]']]]);
  });
});

describe('resolves only what omsm manages for the field', () => {
  const wf = (password: string, jwt = 'secret:jwt') => ({
    source: { serviceName: 'db1', serviceConnection: { config: { authType: { password } } } },
    workflowConfig: { openMetadataServerConfig: { securityConfig: { jwtToken: jwt } } },
  });

  test('a Secret without the managed-by mark is refused, and its value is not in the error', async () => {
    const { provider, resolver } = setup();
    const theirs = canary();
    provider.values.set('app-db', theirs);
    provider.unmanaged.add('app-db');
    await assert.rejects(resolver.resolveConfig(wf('secret:app-db')), (e) => {
      const err = unresolved(e);
      assert.match(err.message, /secret:app-db .*not managed by omsm/);
      assert.equal(
        (err.details as { references: { code: string }[] }).references[0]!.code,
        'OMSM_ERR_SECRET_FOREIGN',
      );
      assert.ok(!JSON.stringify(err).includes(theirs) && !err.message.includes(theirs));
      return true;
    });
  });

  test('a recorded id is compared with the place: service name, field path, bot and pipeline kinds', async () => {
    const { provider, resolver } = setup();
    for (const n of ['own', 'other', 'jwt', 'userjwt', 'dbt']) provider.values.set(n, canary());
    provider.ids.set('own', 'openmetadata/database/db1/authType/password');
    provider.ids.set('other', 'openmetadata/database/db2/authType/password');
    provider.ids.set('jwt', 'openmetadata/bot/ingestion-bot/config/JWTToken');
    provider.ids.set('userjwt', 'openmetadata/database/x/config/JWTToken');
    provider.ids.set('dbt', 'openmetadata/pipeline/p1/dbtConfigSource/dbtSecurityConfig/awsSecretAccessKey');
    const ok = await resolver.resolveConfig(wf('secret:own'));
    assert.equal(ok.source.serviceConnection.config.authType.password, provider.values.get('own'));
    const statuses = await resolver.check({
      ...wf('secret:other', 'secret:userjwt'),
      elsewhere: 'secret:other', // a place with no owner: only the managed mark counts
    });
    const byRef = new Map(statuses.map((s) => [s.reference, s]));
    assert.equal(byRef.get('secret:other')!.ok, false, 'db2 at db1 refused even though also used elsewhere');
    assert.match(
      byRef.get('secret:other')!.reason!,
      /belongs to "openmetadata\/database\/db2\/authType\/password", not to service "db1" field authType\.password/,
    );
    assert.equal(byRef.get('secret:userjwt')!.code, 'OMSM_ERR_SECRET_FOREIGN', "a JWT must be a bot's");
    const dbt = {
      source: {
        sourceConfig: {
          config: { dbtConfigSource: { dbtSecurityConfig: { awsSecretAccessKey: 'secret:dbt' } } },
        },
      },
    };
    assert.deepEqual(
      (await resolver.check(dbt)).map((s) => s.ok),
      [true],
    );
    const moved = { source: { sourceConfig: { config: { other: 'secret:dbt' } } } };
    assert.deepEqual(
      (await resolver.check(moved)).map((s) => s.code),
      ['OMSM_ERR_SECRET_FOREIGN'],
    );
    assert.deepEqual(
      (await resolver.check(wf('secret:own', 'secret:jwt'))).map((s) => s.ok),
      [true, true],
    );
  });

  test('upstream-written Secrets (managed, no recorded id) resolve anywhere', async () => {
    const { provider, resolver } = setup();
    provider.values.set('up', canary());
    provider.values.set('jwt', canary());
    const out = await resolver.resolveConfig(wf('secret:up'));
    assert.equal(out.source.serviceConnection.config.authType.password, provider.values.get('up'));
  });

  test('a provider that cannot say who manages a Secret is not read from', async () => {
    const provider = new FakeProvider();
    provider.values.set('x', canary());
    const blind = Object.assign(Object.create(FakeProvider.prototype), provider, { read: undefined });
    const resolver = new SecretResolver({ provider: blind, providerName: 'kubernetes', namespace: 'prod' });
    await assert.rejects(resolver.resolveReference('secret:x'), /cannot say who manages a secret/);
  });
});
