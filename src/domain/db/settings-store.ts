/**
 * @module domain/db/settings-store
 *
 * Server-generated settings kept in the database so every server process on one database shares
 * them (the JWT signing key when none is configured). Insert-if-absent, so two processes starting
 * at once agree on the first value written.
 */
import type { Kysely } from 'kysely';
import { dbCall, isUniqueViolation } from './db-errors.js';
import type { Database } from './tables.js';

/** Reads a setting; undefined when absent. @throws OmsmError DB_UNAVAILABLE. */
export async function readSetting(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const row = await dbCall(() =>
    db.selectFrom('omsm_setting').select('value').where('key', '=', key).executeTakeFirst(),
  );
  return row?.value;
}

/**
 * Returns the stored value of `key`, storing `make()` first when there is none. When another
 * process stores one at the same moment, its value wins and is returned.
 * @throws OmsmError DB_UNAVAILABLE.
 */
export async function ensureSetting(db: Kysely<Database>, key: string, make: () => string): Promise<string> {
  const existing = await readSetting(db, key);
  if (existing !== undefined) return existing;
  try {
    await db.insertInto('omsm_setting').values({ key, value: make() }).execute();
  } catch (err) {
    if (!isUniqueViolation(err)) await dbCall(() => Promise.reject(err));
  }
  const stored = await readSetting(db, key);
  if (stored === undefined) await dbCall(() => Promise.reject(new Error('setting vanished')));
  return stored!;
}
