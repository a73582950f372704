import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compare, ID_ANNOTATION, isOurs, type ListedSecret } from './find-orphans.js';

const naming = { prefix: '', clusterName: 'openmetadata' };
const now = Date.parse('2026-01-01T00:00:00Z');
const managed = { 'managed-by': 'openmetadata-secrets-manager', app: 'openmetadata' };
const s = (name: string, over: Partial<ListedSecret> = {}): ListedSecret => ({
  name,
  labels: managed,
  annotations: { [ID_ANNOTATION]: `openmetadata/database/${name}` },
  created: now - 3600_000,
  ...over,
});
const ref = (secretName: string) => ({
  entityKind: 'databaseService',
  entityName: 'x',
  field: 'connection.config.password',
  secretName,
});

test('orphans: managed by this cluster, unreferenced, old enough; missing: referenced but absent', () => {
  const listed = [
    s('openmetadata-database-a-password'),
    s('openmetadata-database-b-password'),
    s('openmetadata-database-young-password', { created: now - 5_000 }),
    s('unmanaged', { labels: {}, annotations: {} }),
    s('other-database-c-password', { annotations: { [ID_ANNOTATION]: 'other/database/c/password' } }),
    s('openmetadata-legacy-password', { annotations: {} }),
  ];
  const r = compare(
    listed,
    [ref('openmetadata-database-a-password'), ref('openmetadata-gone-password')],
    naming,
    600,
    now,
  );
  assert.deepEqual(
    r.orphans.map((o) => o.name),
    ['openmetadata-database-b-password', 'openmetadata-legacy-password'],
  );
  assert.deepEqual(
    r.missing.map((m) => m.secretName),
    ['openmetadata-gone-password'],
  );
});

test('isOurs follows prefix and clusterName, by id annotation or (upstream Secrets) by name', () => {
  const ctx = { prefix: 'team', clusterName: 'Prod' };
  assert.equal(
    isOurs(s('x', { annotations: { [ID_ANNOTATION]: 'team/Prod/bot/b/config/JWTToken' } }), ctx),
    true,
  );
  assert.equal(isOurs(s('x', { annotations: { [ID_ANNOTATION]: 'team/Other/bot/b' } }), ctx), false);
  assert.equal(isOurs(s('team-prod-bot-b', { annotations: {} }), ctx), true);
  assert.equal(
    isOurs(s('team-prod-bot-b', { labels: { app: 'openmetadata' }, annotations: {} }), ctx),
    false,
  );
});
