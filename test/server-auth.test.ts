/**
 * Authentication and authorization over HTTP: no token 401, bad token 401, bot token on admin
 * routes 403, a bot reads connections with references (never values) and only its own pipelines'
 * workflowConfig, a rotated bot token is rejected, the token read by the admin works, health is
 * public, 5xx bodies are opaque.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import type { InMemoryProvider } from '../src/core/providers/in-memory-provider.js';
import { MASK } from '../src/core/secrets/secrets-manager-types.js';
import { canary } from './support/canary.js';
import { buildTestServer } from './support/test-server.js';
import { dbtPipeline } from './support/server-payloads.js';

const SVC = '/api/v1/services/databaseServices';

describe('auth', () => {
  test('no token, garbage token and foreign-key token are 401; health is public', async (t) => {
    const s = await buildTestServer(t);
    assert.equal((await s.app.inject({ method: 'GET', url: SVC })).statusCode, 401);
    assert.equal(
      (await s.app.inject({ method: 'GET', url: SVC, headers: { authorization: 'Bearer nope' } })).statusCode,
      401,
    );
    const other = await buildTestServer(t, {
      env: { OM_JWT_SECRET: 'another-key-0123456789abcdef0123456789' },
    });
    assert.equal((await s.app.inject({ method: 'GET', url: SVC, headers: other.admin })).statusCode, 401);
    assert.equal((await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const ready = await s.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.equal((await s.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
    const metrics = await s.app.inject({ method: 'GET', url: '/metrics', headers: s.admin });
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.body, /omsm_http_requests_total/);
    const fixed = await buildTestServer(t, { env: { OM_ADMIN_TOKEN: 'fixed-admin-token-for-scripts' } });
    const withFixed = { authorization: 'Bearer fixed-admin-token-for-scripts' };
    assert.equal((await fixed.app.inject({ method: 'GET', url: SVC, headers: withFixed })).statusCode, 200);
    assert.equal((await s.app.inject({ method: 'GET', url: SVC, headers: withFixed })).statusCode, 401);
    const openapi = await s.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: s.admin });
    assert.equal(openapi.statusCode, 200);
    assert.ok(openapi.json().paths['/api/v1/services/databaseServices/{id}']);
  });

  test('bots: token issued and stored, bot role limits, rotation rejects the old token, delete removes the secret', async (t) => {
    const s = await buildTestServer(t, { tokenCacheMs: 60_000 });
    const mem = (s.provider.inner as InMemoryProvider).backing;
    const bot = await s.app.inject({
      method: 'POST',
      url: '/api/v1/bots',
      headers: s.admin,
      payload: { name: 'ingestion-bot', description: 'runs ingestion' },
    });
    assert.equal(bot.statusCode, 201, bot.body);
    const userId = bot.json().botUser.id;
    const secretName = 'openmetadata-bot-ingestion-bot-config-jwttoken';
    assert.ok(mem.peek(secretName));

    const user = await s.app.inject({ method: 'GET', url: `/api/v1/users/${userId}`, headers: s.admin });
    assert.equal(user.json().authenticationMechanism.config.JWTToken, MASK);
    assert.equal(user.json().omsmTokenId, undefined);

    const mech = await s.app.inject({
      method: 'GET',
      url: `/api/v1/users/auth-mechanism/${userId}`,
      headers: s.admin,
    });
    assert.equal(mech.statusCode, 200, mech.body);
    const token1 = mech.json().config.JWTToken as string;
    assert.equal(token1, mem.peek(secretName));
    const asBot1 = { authorization: `Bearer ${token1}` };

    // a service with a password: the bot reads it with the reference, never the value
    const pw = canary();
    const svc = await s.app.inject({
      method: 'POST',
      url: SVC,
      headers: s.admin,
      payload: {
        name: 'shop',
        serviceType: 'Mysql',
        connection: {
          config: { type: 'Mysql', username: 'u', hostPort: 'h:3306', authType: { password: pw } },
        },
      },
    });
    assert.equal(svc.statusCode, 201);
    const seen = await s.app.inject({ method: 'GET', url: `${SVC}/${svc.json().id}`, headers: asBot1 });
    assert.equal(seen.statusCode, 200);
    assert.equal(
      seen.json().connection.config.authType.password,
      'secret:openmetadata-database-shop-authtype-password',
    );

    // bot on admin routes: 403
    for (const [method, url] of [
      ['POST', SVC],
      ['GET', '/api/v1/bots'],
      ['GET', `/api/v1/users/auth-mechanism/${userId}`],
      ['DELETE', `${SVC}/${svc.json().id}`],
    ] as const) {
      const r = await s.app.inject({
        method,
        url,
        headers: asBot1,
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      assert.equal(r.statusCode, 403, `${method} ${url}`);
    }

    // a dbt pipeline running as this bot: the bot may read its workflowConfig
    const dbtKey = canary();
    const pipe = await s.app.inject({
      method: 'POST',
      url: '/api/v1/services/ingestionPipelines',
      headers: s.admin,
      payload: dbtPipeline('shop_dbt', svc.json().id, dbtKey),
    });
    assert.equal(pipe.statusCode, 201, pipe.body);
    const wc = await s.app.inject({
      method: 'GET',
      url: `/api/v1/services/ingestionPipelines/${pipe.json().id}/workflowConfig`,
      headers: asBot1,
    });
    assert.equal(wc.statusCode, 200, wc.body);
    assert.match(String(wc.headers['content-type']), /application\/yaml/);
    const doc = parse(wc.body);
    assert.equal(
      doc.source.serviceConnection.config.authType.password,
      'secret:openmetadata-database-shop-authtype-password',
    );
    assert.equal(doc.workflowConfig.openMetadataServerConfig.securityConfig.jwtToken, `secret:${secretName}`);
    assert.equal(doc.workflowConfig.openMetadataServerConfig.secretsManagerProvider, 'in-memory');
    assert.equal(doc.workflowConfig.openMetadataServerConfig.secretsManagerLoader, 'noop');
    assert.equal(doc.workflowConfig.openMetadataServerConfig.hostPort, 'http://127.0.0.1:8585/api');
    assert.match(
      JSON.stringify(doc.source.sourceConfig.config),
      /secret:openmetadata-pipeline-shop-dbt-sourceconfig|secret:openmetadata-pipeline-shop-dbt-/,
    );

    // another bot may not read this pipeline's config
    const other = await s.app.inject({
      method: 'POST',
      url: '/api/v1/bots',
      headers: s.admin,
      payload: { name: 'other-bot' },
    });
    const otherToken = (
      await s.app.inject({
        method: 'GET',
        url: `/api/v1/users/auth-mechanism/${other.json().botUser.id}`,
        headers: s.admin,
      })
    ).json().config.JWTToken;
    const denied = await s.app.inject({
      method: 'GET',
      url: `/api/v1/services/ingestionPipelines/${pipe.json().id}/workflowConfig`,
      headers: { authorization: `Bearer ${otherToken}` },
    });
    assert.equal(denied.statusCode, 403);

    // rotate: the old token is rejected, the new one works, the Secret holds the new one
    const rot = await s.app.inject({
      method: 'PUT',
      url: `/api/v1/users/generateToken/${userId}`,
      headers: s.admin,
      payload: { JWTTokenExpiry: '7' },
    });
    assert.equal(rot.statusCode, 200, rot.body);
    const token2 = rot.json().JWTToken as string;
    assert.notEqual(token2, token1);
    assert.equal(mem.peek(secretName), token2);
    assert.equal((await s.app.inject({ method: 'GET', url: SVC, headers: asBot1 })).statusCode, 401);
    assert.equal(
      (await s.app.inject({ method: 'GET', url: SVC, headers: { authorization: `Bearer ${token2}` } }))
        .statusCode,
      200,
    );

    const metrics = await s.app.inject({ method: 'GET', url: '/metrics', headers: s.admin });
    assert.match(
      metrics.body,
      /omsm_secret_operations_total\{verb="store",outcome="ok",provider="in-memory"\} \d+/,
    );
    assert.match(
      metrics.body,
      /omsm_http_requests_total\{method="POST",route="\/api\/v1\/bots",status="201"\} 2/,
    );

    // soft delete: the token stops working; restore brings bot and bot user (and the token) back
    const soft = await s.app.inject({
      method: 'DELETE',
      url: `/api/v1/bots/${bot.json().id}`,
      headers: s.admin,
    });
    assert.equal(soft.statusCode, 200, soft.body);
    assert.equal(
      (await s.app.inject({ method: 'GET', url: SVC, headers: { authorization: `Bearer ${token2}` } }))
        .statusCode,
      401,
    );
    assert.ok(mem.peek(secretName));
    const back = await s.app.inject({
      method: 'PUT',
      url: '/api/v1/bots/restore',
      headers: s.admin,
      payload: { id: bot.json().id },
    });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(
      (await s.app.inject({ method: 'GET', url: SVC, headers: { authorization: `Bearer ${token2}` } }))
        .statusCode,
      200,
    );

    // hard delete of the bot removes its user and the Secret (upstream leaves it behind)
    const del = await s.app.inject({
      method: 'DELETE',
      url: `/api/v1/bots/${bot.json().id}?hardDelete=true`,
      headers: s.admin,
    });
    assert.equal(del.statusCode, 200, del.body);
    assert.equal(mem.peek(secretName), undefined);
    assert.equal(
      (await s.app.inject({ method: 'GET', url: SVC, headers: { authorization: `Bearer ${token2}` } }))
        .statusCode,
      401,
    );
  });
});
