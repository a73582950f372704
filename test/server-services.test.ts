/**
 * Service lifecycle over HTTP (fastify inject) with the in-memory provider on SQLite: create,
 * get (masked), list with paging, PUT, PATCH, soft and hard delete, and the secret bookkeeping
 * behind each step.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { omsmError } from '../src/core/errors.js';
import type { SecretId } from '../src/core/naming/secret-name.js';
import { createInMemoryProvider, type InMemoryProvider } from '../src/core/providers/in-memory-provider.js';
import type { SecretsProvider } from '../src/core/providers/provider.js';
import { MASK } from '../src/core/secrets/secrets-manager-types.js';
import { canary } from './support/canary.js';
import { buildTestServer } from './support/test-server.js';
import { create, metadataPipeline, mysqlService, PIPELINES, SERVICES } from './support/server-payloads.js';

const URL = '/api/v1/services/databaseServices';

describe('database services (in-memory provider, sqlite)', () => {
  test('create stores the password as a Secret and answers masked', async (t) => {
    const s = await buildTestServer(t);
    const pw = canary();
    const res = await s.app.inject({
      method: 'POST',
      url: URL,
      headers: s.admin,
      payload: mysqlService('my_service', pw),
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.connection.config.authType.password, MASK);
    assert.equal(body.name, 'my_service');
    assert.equal(body.version, 0.1);
    const mem = (s.provider.inner as InMemoryProvider).backing;
    assert.equal(mem.peek('openmetadata-database-my-service-authtype-password'), pw);
    const row = await s.app.store.findById('databaseService', body.id);
    assert.equal(
      (row!.doc.connection as { config: { authType: { password: string } } }).config.authType.password,
      'secret:openmetadata-database-my-service-authtype-password',
    );
  });
});

describe('service lifecycle details', () => {
  test('get masks, list pages, PUT with the mask keeps, PATCH changes, clear deletes, hard delete removes', async (t) => {
    const s = await buildTestServer(t);
    const mem = (s.provider.inner as InMemoryProvider).backing;
    const secretName = 'openmetadata-database-svc-a-authtype-password';
    const pw1 = canary();
    const created = (
      await s.app.inject({ method: 'POST', url: URL, headers: s.admin, payload: mysqlService('svc_a', pw1) })
    ).json();
    for (const n of ['svc_b', 'svc_c']) {
      const r = await s.app.inject({
        method: 'POST',
        url: URL,
        headers: s.admin,
        payload: mysqlService(n, canary()),
      });
      assert.equal(r.statusCode, 201);
    }
    // duplicate create: 409 and the existing secret untouched
    const dup = await s.app.inject({
      method: 'POST',
      url: URL,
      headers: s.admin,
      payload: mysqlService('svc_a', canary()),
    });
    assert.equal(dup.statusCode, 409);
    assert.equal(mem.peek(secretName), pw1);

    const byId = await s.app.inject({ method: 'GET', url: `${URL}/${created.id}`, headers: s.admin });
    assert.equal(byId.json().connection.config.authType.password, MASK);
    const byName = await s.app.inject({ method: 'GET', url: `${URL}/name/svc_a`, headers: s.admin });
    assert.equal(byName.json().id, created.id);

    const p1 = (await s.app.inject({ method: 'GET', url: `${URL}?limit=2`, headers: s.admin })).json();
    assert.deepEqual(
      p1.data.map((d: { name: string }) => d.name),
      ['svc_a', 'svc_b'],
    );
    assert.equal(p1.paging.total, 3);
    const p2 = (
      await s.app.inject({ method: 'GET', url: `${URL}?limit=2&after=${p1.paging.after}`, headers: s.admin })
    ).json();
    assert.deepEqual(
      p2.data.map((d: { name: string }) => d.name),
      ['svc_c'],
    );
    assert.ok(
      p2.data.every(
        (d: { connection: { config: { authType: { password: string } } } }) =>
          d.connection.config.authType.password === MASK,
      ),
    );

    // PUT with the mask: value kept, version bumped
    const put = await s.app.inject({
      method: 'PUT',
      url: URL,
      headers: s.admin,
      payload: { ...mysqlService('svc_a', MASK), description: 'd' },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().description, 'd');
    assert.equal(put.json().version, 0.2);
    assert.equal(mem.peek(secretName), pw1);

    // PATCH a new password: the Secret is rewritten
    const pw2 = canary();
    const patch = await s.app.inject({
      method: 'PATCH',
      url: `${URL}/${created.id}`,
      headers: { ...s.admin, 'content-type': 'application/json-patch+json' },
      payload: [{ op: 'replace', path: '/connection/config/authType/password', value: pw2 }],
    });
    assert.equal(patch.statusCode, 200, patch.body);
    assert.equal(patch.json().connection.config.authType.password, MASK);
    assert.equal(mem.peek(secretName), pw2);

    // PATCH that renames: refused, nothing changed
    const rename = await s.app.inject({
      method: 'PATCH',
      url: `${URL}/${created.id}`,
      headers: { ...s.admin, 'content-type': 'application/json-patch+json' },
      payload: [{ op: 'replace', path: '/name', value: 'other' }],
    });
    assert.equal(rename.statusCode, 400);

    // clearing the field deletes the Secret
    const clear = await s.app.inject({
      method: 'PATCH',
      url: `${URL}/${created.id}`,
      headers: { ...s.admin, 'content-type': 'application/json-patch+json' },
      payload: [{ op: 'remove', path: '/connection/config/authType/password' }],
    });
    assert.equal(clear.statusCode, 200, clear.body);
    assert.equal(mem.peek(secretName), undefined);

    // set again, soft delete keeps the Secret, GET 404, include=deleted finds it, restore
    const pw3 = canary();
    await s.app.inject({ method: 'PUT', url: URL, headers: s.admin, payload: mysqlService('svc_a', pw3) });
    assert.equal(mem.peek(secretName), pw3);
    const soft = await s.app.inject({ method: 'DELETE', url: `${URL}/${created.id}`, headers: s.admin });
    assert.equal(soft.statusCode, 200);
    assert.equal(soft.json().deleted, true);
    assert.equal(mem.peek(secretName), pw3);
    assert.equal(
      (await s.app.inject({ method: 'GET', url: `${URL}/${created.id}`, headers: s.admin })).statusCode,
      404,
    );
    const deleted = await s.app.inject({
      method: 'GET',
      url: `${URL}/${created.id}?include=deleted`,
      headers: s.admin,
    });
    assert.equal(deleted.json().deleted, true);
    const restored = await s.app.inject({
      method: 'PUT',
      url: `${URL}/restore`,
      headers: s.admin,
      payload: { id: created.id },
    });
    assert.equal(restored.statusCode, 200, restored.body);
    assert.equal(restored.json().deleted, false);

    // hard delete removes row and Secret
    const hard = await s.app.inject({
      method: 'DELETE',
      url: `${URL}/${created.id}?hardDelete=true&recursive=true`,
      headers: s.admin,
    });
    assert.equal(hard.statusCode, 200, hard.body);
    assert.equal(mem.peek(secretName), undefined);
    assert.equal(await s.app.store.findById('databaseService', created.id), undefined);
  });

  test('validation: unknown field, unknown type, wrong type, oversize value are 400s naming the field; nothing stored', async (t) => {
    const s = await buildTestServer(t);
    const mem = (s.provider.inner as InMemoryProvider).backing;
    const cases: { desc: string; body: unknown; want: string }[] = [
      {
        desc: 'unknown field',
        body: {
          ...mysqlService('v1', canary()),
          connection: {
            config: { type: 'Mysql', hostPort: 'h:1', bogus: 1, authType: { password: canary() } },
          },
        },
        want: 'connection.config.bogus',
      },
      {
        desc: 'unknown type',
        body: {
          name: 'v2',
          serviceType: 'Nope',
          connection: { config: { type: 'Nope', password: canary() } },
        },
        want: 'connection.config.type',
      },
      {
        desc: 'wrong type',
        body: {
          ...mysqlService('v3', canary()),
          connection: { config: { type: 'Mysql', hostPort: 5, authType: { password: canary() } } },
        },
        want: 'connection.config.hostPort',
      },
      {
        desc: 'oversize value',
        body: mysqlService('v4', canary('x'.repeat(70_000))),
        want: 'connection.config.authType.password',
      },
      {
        desc: 'unknown top-level field',
        body: { ...mysqlService('v5', canary()), extra: true },
        want: 'body.extra',
      },
      {
        desc: 'type mismatch',
        body: { ...mysqlService('v6', canary()), serviceType: 'Postgres' },
        want: 'connection.config.type',
      },
    ];
    for (const c of cases) {
      const res = await s.app.inject({
        method: 'POST',
        url: URL,
        headers: s.admin,
        payload: c.body as object,
      });
      assert.equal(res.statusCode, 400, `${c.desc}: ${res.statusCode}`);
      const body = res.json();
      assert.equal(body.code, 'OMSM_ERR_API_INVALID', c.desc);
      const paths = [
        body.details?.path,
        ...(body.details?.issues ?? []).map((i: { path: string }) => i.path),
      ];
      assert.ok(paths.includes(c.want), `${c.desc}: ${JSON.stringify(paths)}`);
    }
    assert.equal(mem.entries.size, 0);
    assert.equal((await s.app.store.list('databaseService', { limit: 10 })).total, 0);
  });

  test('every service type has its routes', async (t) => {
    const s = await buildTestServer(t);
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/v1/services/dashboardServices',
      headers: s.admin,
      payload: {
        name: 'tab',
        serviceType: 'Tableau',
        connection: {
          config: { type: 'Tableau', hostPort: 'https://t', authType: { username: 'u', password: canary() } },
        },
      },
    });
    assert.equal(r.statusCode, 201, r.body);
    const wrong = await s.app.inject({
      method: 'POST',
      url: URL,
      headers: s.admin,
      payload: {
        name: 'tab2',
        serviceType: 'Tableau',
        connection: {
          config: { type: 'Tableau', hostPort: 'https://t', authType: { username: 'u', password: canary() } },
        },
      },
    });
    assert.equal(wrong.statusCode, 400, wrong.body);
    assert.equal(wrong.json().details.path, 'serviceType');
    assert.match(wrong.json().message, /dashboardServices/);
    for (const c of [
      'databaseServices',
      'dashboardServices',
      'messagingServices',
      'pipelineServices',
      'mlmodelServices',
      'storageServices',
      'searchServices',
      'metadataServices',
      'apiServices',
    ]) {
      const res = await s.app.inject({ method: 'GET', url: `/api/v1/services/${c}`, headers: s.admin });
      assert.equal(res.statusCode, 200, c);
    }
  });
});

describe('secret: references sent by clients (confused deputy, SECURITY.md)', () => {
  const FIELD = 'connection.config.authType.password';

  for (const [label, ref] of [
    ['a Secret of another application', 'secret:unrelated-app-db'],
    ["another service's own Secret", 'secret:openmetadata-database-a-authtype-password'],
  ] as const) {
    test(`${label} is refused with a 400 naming the field, and nothing is written`, async (t) => {
      const s = await buildTestServer(t);
      const mem = (s.provider.inner as InMemoryProvider).backing;
      const theirs = canary();
      mem.putForeign(ref.slice('secret:'.length), theirs);
      const writes = mem.writes;
      const res = await s.app.inject({
        method: 'POST',
        url: URL,
        headers: s.admin,
        payload: {
          ...mysqlService('by_ref', ref),
          connection: {
            config: { ...mysqlService('by_ref', ref).connection.config, hostPort: 'attacker:3306' },
          },
        },
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, 'OMSM_ERR_SECRET_FOREIGN_REFERENCE');
      assert.match(res.json().message, new RegExp(FIELD.replaceAll('.', '\\.')));
      assert.equal(mem.writes, writes);
      assert.equal(await s.app.store.findByName('databaseService', 'by_ref'), undefined);
      assert.equal(mem.peek(ref.slice('secret:'.length)), theirs);

      // The same reference slipped into an existing service by PUT or PATCH is refused too.
      const created = await s.app.inject({
        method: 'POST',
        url: URL,
        headers: s.admin,
        payload: mysqlService('victim', canary()),
      });
      assert.equal(created.statusCode, 201, created.body);
      const before = await s.app.store.findByName('databaseService', 'victim');
      const patch = await s.app.inject({
        method: 'PATCH',
        url: `${URL}/${created.json().id}`,
        headers: { ...s.admin, 'content-type': 'application/json-patch+json' },
        payload: [{ op: 'replace', path: '/connection/config/authType/password', value: ref }],
      });
      assert.equal(patch.statusCode, 400, patch.body);
      const put = await s.app.inject({
        method: 'PUT',
        url: URL,
        headers: s.admin,
        payload: mysqlService('victim', ref),
      });
      assert.equal(put.statusCode, 400, put.body);
      const after = await s.app.store.findByName('databaseService', 'victim');
      assert.deepEqual(after!.doc, before!.doc);
    });
  }

  test("the field's own reference and the mask round-trip and keep the stored value", async (t) => {
    const s = await buildTestServer(t);
    const mem = (s.provider.inner as InMemoryProvider).backing;
    const pw = canary();
    const created = await s.app.inject({
      method: 'POST',
      url: URL,
      headers: s.admin,
      payload: mysqlService('own', pw),
    });
    assert.equal(created.statusCode, 201, created.body);
    const own = 'secret:openmetadata-database-own-authtype-password';
    const writes = mem.writes;
    for (const value of [own, MASK]) {
      const put = await s.app.inject({
        method: 'PUT',
        url: URL,
        headers: s.admin,
        payload: mysqlService('own', value),
      });
      assert.equal(put.statusCode, 200, put.body);
    }
    assert.equal(mem.writes, writes);
    const row = await s.app.store.findByName('databaseService', 'own');
    assert.match(JSON.stringify(row!.doc), new RegExp(own));
    assert.ok(mem.peek('openmetadata-database-own-authtype-password') === pw);
  });
});

describe('malformed requests', () => {
  test('bad JSON, wrong media type and 404s answer without echoing the body', async (t) => {
    const s = await buildTestServer(t);
    const leaked = canary();
    const bad = await s.app.inject({
      method: 'POST',
      url: URL,
      headers: { ...s.admin, 'content-type': 'application/json' },
      payload: `{"name": "x", "password": ${leaked}`,
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'OMSM_ERR_API_INVALID');
    const media = await s.app.inject({
      method: 'PATCH',
      url: `${URL}/00000000-0000-0000-0000-000000000000`,
      headers: { ...s.admin, 'content-type': 'application/xml' },
      payload: 'x',
    });
    assert.equal(media.statusCode, 415);
    const missing = await s.app.inject({ method: 'GET', url: `${URL}/nope`, headers: s.admin });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'OMSM_ERR_API_NOT_FOUND');
    const noRoute = await s.app.inject({ method: 'GET', url: '/api/v1/nothing', headers: s.admin });
    assert.equal(noRoute.statusCode, 404);
  });
});

describe('name collisions', () => {
  test('my_db then my-db: the second is refused (409) and the first keeps its Secret', async (t) => {
    const s = await buildTestServer(t);
    const mem = (s.provider.inner as InMemoryProvider).backing;
    const pw = canary();
    assert.equal(
      (await s.app.inject({ method: 'POST', url: URL, headers: s.admin, payload: mysqlService('my_db', pw) }))
        .statusCode,
      201,
    );
    const second = await s.app.inject({
      method: 'POST',
      url: URL,
      headers: s.admin,
      payload: mysqlService('my-db', canary()),
    });
    assert.equal(second.statusCode, 409, second.body);
    assert.equal(second.json().code, 'OMSM_ERR_SECRET_NOT_OURS');
    assert.equal(mem.peek('openmetadata-database-my-db-authtype-password'), pw);
    assert.equal(await s.app.store.findByName('databaseService', 'my-db'), undefined);
  });
});

describe('partial secret writes', () => {
  test('a provider failure on the second of three fields leaves no Secret and no entity', async (t) => {
    const inner = createInMemoryProvider();
    const flaky: SecretsProvider = {
      name: inner.name,
      capability: inner.capability,
      inline: inner.inline,
      durable: inner.durable,
      async store(id: SecretId, value: string) {
        if (id.name.endsWith('-privatekey'))
          throw omsmError('OMSM_ERR_SECRET_UNAVAILABLE', `${id.name}: injected`);
        return inner.store(id, value);
      },
      get: (stored) => inner.get(stored),
      delete: (stored, id) => inner.delete(stored, id),
      exists: (stored) => inner.exists(stored),
      recognizes: (stored) => inner.recognizes(stored),
      close: () => inner.close(),
    };
    const s = await buildTestServer(t, { provider: flaky });
    const res = await s.app.inject({
      method: 'POST',
      url: URL,
      headers: s.admin,
      payload: {
        name: 'snow',
        serviceType: 'Snowflake',
        connection: {
          config: {
            type: 'Snowflake',
            username: 'u',
            account: 'a',
            warehouse: 'w',
            password: canary(),
            privateKey: canary(),
            snowflakePrivatekeyPassphrase: canary(),
          },
        },
      },
    });
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(inner.backing.entries.size, 0);
    assert.equal(await s.app.store.findByName('databaseService', 'snow'), undefined);
  });
});

describe('ingestion pipelines listed by service', () => {
  test('?service= narrows the list before paging: full pages and the total of that service', async (t) => {
    const s = await buildTestServer(t);
    const one = await create(s, SERVICES, mysqlService('svc_one', 'x'));
    const two = await create(s, SERVICES, mysqlService('svc_two', 'x'));
    // Names interleave the two services, so a filter applied after paging gives short pages.
    for (let i = 0; i < 6; i++) {
      await create(s, PIPELINES, metadataPipeline(`pipe_${i}`, String((i % 2 === 0 ? one : two).id)));
    }
    const list = async (query: string) =>
      (
        await s.app.inject({
          method: 'GET',
          url: `${PIPELINES}?${query}`,
          headers: s.admin,
        })
      ).json();
    const p1 = await list('service=svc_one&limit=2');
    assert.deepEqual(
      p1.data.map((d: { name: string }) => d.name),
      ['pipe_0', 'pipe_2'],
    );
    assert.equal(p1.paging.total, 3);
    const p2 = await list(`service=svc_one&limit=2&after=${p1.paging.after}`);
    assert.deepEqual(
      p2.data.map((d: { name: string }) => d.name),
      ['pipe_4'],
    );
    assert.equal((await list('limit=10')).paging.total, 6);
    assert.equal((await list('service=no_such_service')).paging.total, 0);
  });
});
