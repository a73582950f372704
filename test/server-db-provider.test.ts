/**
 * The server with the `db` provider (Fernet in the database, upstream's default): the row holds
 * `fernet:` tokens, responses mask them, bots and workflow configs get the tokens (never plain
 * values), and the admin can still read a bot's token.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDbProvider } from '../src/core/providers/db-provider.js';
import { MASK } from '../src/core/secrets/secrets-manager-types.js';
import { canary } from './support/canary.js';
import { buildTestServer } from './support/test-server.js';
import { metadataPipeline } from './support/server-payloads.js';

test('db provider: fernet tokens stored, masked for admins, handed on as tokens', async (t) => {
  const key = 'jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=';
  const s = await buildTestServer(t, {
    provider: createDbProvider({ fernetKey: key }),
    env: { FERNET_KEY: key },
  });
  const pw = canary();
  const svc = await s.app.inject({
    method: 'POST',
    url: '/api/v1/services/databaseServices',
    headers: s.admin,
    payload: {
      name: 'fern',
      serviceType: 'Mysql',
      connection: { config: { type: 'Mysql', username: 'u', hostPort: 'h:1', authType: { password: pw } } },
    },
  });
  assert.equal(svc.statusCode, 201, svc.body);
  assert.equal(svc.json().connection.config.authType.password, MASK);
  const row = await s.app.store.findByName('databaseService', 'fern');
  const stored = (row!.doc.connection as { config: { authType: { password: string } } }).config.authType
    .password;
  assert.match(stored, /^fernet:/);
  assert.equal(JSON.stringify(row!.doc).includes(pw), false);
  assert.equal(await s.provider.get(stored), pw);

  const bot = await s.app.inject({
    method: 'POST',
    url: '/api/v1/bots',
    headers: s.admin,
    payload: { name: 'ingestion-bot' },
  });
  assert.equal(bot.statusCode, 201, bot.body);
  const mech = await s.app.inject({
    method: 'GET',
    url: `/api/v1/users/auth-mechanism/${bot.json().botUser.id}`,
    headers: s.admin,
  });
  const botToken = mech.json().config.JWTToken as string;
  assert.match(botToken, /^eyJ/);
  const asBot = { authorization: `Bearer ${botToken}` };
  const seen = await s.app.inject({
    method: 'GET',
    url: `/api/v1/services/databaseServices/${svc.json().id}`,
    headers: asBot,
  });
  assert.equal(seen.json().connection.config.authType.password, stored);

  const pipe = await s.app.inject({
    method: 'POST',
    url: '/api/v1/services/ingestionPipelines',
    headers: s.admin,
    payload: metadataPipeline('fern_meta', svc.json().id),
  });
  assert.equal(pipe.statusCode, 201, pipe.body);
  const wc = await s.app.inject({
    method: 'GET',
    url: `/api/v1/services/ingestionPipelines/${pipe.json().id}/workflowConfig?format=json`,
    headers: asBot,
  });
  assert.equal(wc.statusCode, 200, wc.body);
  const doc = wc.json();
  assert.equal(doc.source.serviceConnection.config.authType.password, stored);
  assert.match(doc.workflowConfig.openMetadataServerConfig.securityConfig.jwtToken, /^fernet:/);
  assert.equal(doc.workflowConfig.openMetadataServerConfig.secretsManagerProvider, 'db');
  assert.equal(doc.workflowConfig.openMetadataServerConfig.secretsManagerNamespace, undefined);
  assert.equal(doc.source.type, 'mysql');
});
