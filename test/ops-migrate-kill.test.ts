/**
 * migrate-secrets is crash-safe: the real CLI, SIGKILLed at random points and re-run, ends with
 * exactly the state of an uninterrupted run (same references in the database, same Secrets with
 * the same labels and ids, every value the original).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertSameAsReference,
  runMigrate,
  seededCrashDatabase,
  setUpCrashTests,
  state,
} from './support/migrate-crash-fixture.js';

setUpCrashTests(['kill']);

test('SIGKILL at random points, then a re-run: identical to an uninterrupted run', async () => {
  const { db, cfg, expected } = await seededCrashDatabase('kill');
  let killed = 0;
  for (let i = 0; i < 3; i++) {
    const r = await runMigrate(cfg, Math.floor(Math.random() * 1200));
    if (r.signal === 'SIGKILL') killed++;
  }
  assert.ok(killed >= 1, 'at least one run was killed mid-way');
  const final = await runMigrate(cfg);
  assert.equal(final.code, 0);
  assertSameAsReference(await state(db, cfg, 'kill', expected));
});
