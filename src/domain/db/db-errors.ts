/**
 * @module domain/db/db-errors
 *
 * The one place that looks at raw SQL driver errors (better-sqlite3, pg, mysql2) and turns them into
 * catalogue errors: unique violations become OMSM_ERR_API_CONFLICT, connection problems
 * OMSM_ERR_DB_UNAVAILABLE, anything else OMSM_ERR_INTERNAL (opaque to API clients). Driver messages
 * can quote SQL parameters, so they are kept only as `cause` (logged, never returned).
 */
import { asOmsmError, type OmsmError, omsmError } from '../../core/errors.js';

const UNIQUE_CODES = new Set([
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  '23505', // PostgreSQL unique_violation
  'ER_DUP_ENTRY', // MySQL / MariaDB
]);

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now
  '3D000', // invalid_catalog_name (database missing)
  '28P01', // invalid_password
  '53300', // too_many_connections
]);

function codeOf(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** True when `err` (a raw driver error) is a unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && UNIQUE_CODES.has(code);
}

/**
 * Maps a raw driver error to an OmsmError (OmsmErrors pass through unchanged).
 * @example translateDbError(Object.assign(new Error('dup'), {code: '23505'})).code === 'OMSM_ERR_API_CONFLICT'
 */
export function translateDbError(err: unknown, what = 'entity'): OmsmError {
  const known = asOmsmError(err);
  if (known) return known;
  const code = codeOf(err);
  if (code && UNIQUE_CODES.has(code)) {
    return omsmError('OMSM_ERR_API_CONFLICT', `${what} already exists`, {}, err);
  }
  const message = err instanceof Error ? err.message : '';
  if (
    (code && UNAVAILABLE_CODES.has(code)) ||
    /connect|terminat|timeout|closed|pool is (ended|closed)/i.test(message)
  ) {
    return omsmError('OMSM_ERR_DB_UNAVAILABLE', 'the database is unavailable', {}, err);
  }
  return omsmError('OMSM_ERR_INTERNAL', 'database operation failed', {}, err);
}

/** Runs `fn` and translates whatever it throws. */
export async function dbCall<T>(fn: () => Promise<T>, what?: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateDbError(err, what);
  }
}
