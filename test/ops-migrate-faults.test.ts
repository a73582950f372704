/**
 * migrate-secrets under fault injection by the emulator (429 with Retry-After, 5xx, dropped
 * connections) and SIGKILLs: re-runs finish the job with exactly the state of an uninterrupted run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertSameAsReference,
  emu,
  runMigrate,
  seededCrashDatabase,
  setUpCrashTests,
  state,
} from './support/migrate-crash-fixture.js';

setUpCrashTests(['fault']);

test('the same under fault injection (429, 5xx, dropped connections)', async () => {
  const { db, cfg, expected } = await seededCrashDatabase('fault');
  emu.setFaults({
    rate429: 0.1,
    retryAfterSeconds: 1,
    rate5xx: 0.1,
    dropRate: 0.03,
    pathIncludes: '/namespaces/fault/',
  });
  try {
    for (let i = 0; i < 2; i++) await runMigrate(cfg, Math.floor(Math.random() * 1500));
    let code: number | null = null;
    for (let i = 0; i < 4 && code !== 0; i++) code = (await runMigrate(cfg)).code;
    assert.equal(code, 0, 'a re-run finishes the job despite the faults');
  } finally {
    emu.setFaults({});
  }
  assertSameAsReference(await state(db, cfg, 'fault', expected));
});
