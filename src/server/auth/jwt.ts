/**
 * @module server/auth/jwt
 *
 * The JWTs the server issues and accepts (jose, HS256 with the signing key). Claims: `sub` (the
 * admin subject or the bot user's name), `role` (`admin` | `bot`), `jti` (token id; for bots it
 * must match the id stored on the bot user, which is how a rotated token stops working), `iss`.
 * `omsm token admin` uses `mintToken` with the same key.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Kysely } from 'kysely';
import type { webcrypto } from 'node:crypto';
import { omsmError } from '../../core/errors.js';
import { ensureSetting, readSetting } from '../../domain/db/settings-store.js';
import type { Database } from '../../domain/db/tables.js';

/** `metrics` is never in a JWT: only the static `authentication.metricsToken` has it. */
export type Role = 'admin' | 'bot' | 'metrics';

export interface TokenClaims {
  readonly sub: string;
  readonly role: Role;
  readonly jti: string;
}

/** The settings key under which a generated signing key is kept. */
export const SIGNING_KEY_SETTING = 'auth.jwt-signing-key';

/** Upstream's JWTTokenExpiry values: `Unlimited`, `OneHour` or a number of days (`1`, `7`, `30`, ...). */
export function expiryToSeconds(expiry: string): number | undefined {
  if (expiry === 'Unlimited') return undefined;
  if (expiry === 'OneHour') return 3600;
  const days = Number(expiry);
  if (!Number.isInteger(days) || days <= 0 || days > 3650) {
    throw omsmError('OMSM_ERR_API_INVALID', 'JWTTokenExpiry must be Unlimited or a number of days (1-3650)', {
      path: 'JWTTokenExpiry',
    });
  }
  return days * 86400;
}

/**
 * Signs a token.
 * @throws never for valid input.
 */
export async function mintToken(
  key: Uint8Array | webcrypto.CryptoKey,
  issuer: string,
  claims: { sub: string; role: Role; jti?: string },
  ttlSeconds?: number,
): Promise<{ token: string; jti: string; expiresAt?: number }> {
  const jti = claims.jti ?? randomUUID();
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(issuer)
    .setJti(jti)
    .setIssuedAt(now);
  if (ttlSeconds !== undefined) jwt = jwt.setExpirationTime(now + ttlSeconds);
  const token = await jwt.sign(key);
  return ttlSeconds === undefined ? { token, jti } : { token, jti, expiresAt: (now + ttlSeconds) * 1000 };
}

/**
 * Verifies signature, issuer and expiry.
 * @throws OmsmError API_UNAUTHORIZED (the reason in the message; never the token).
 */
export async function verifyToken(
  key: Uint8Array | webcrypto.CryptoKey,
  issuer: string,
  token: string,
): Promise<TokenClaims> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer, algorithms: ['HS256'] });
    const role = payload.role;
    if ((role !== 'admin' && role !== 'bot') || !payload.sub || !payload.jti) {
      throw omsmError('OMSM_ERR_API_UNAUTHORIZED', 'the token lacks the sub, role or jti claim');
    }
    return { sub: payload.sub, role, jti: payload.jti };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired)
      throw omsmError('OMSM_ERR_API_UNAUTHORIZED', 'the token has expired');
    if (err instanceof joseErrors.JOSEError) {
      throw omsmError('OMSM_ERR_API_UNAUTHORIZED', 'the token is not valid for this server');
    }
    throw err;
  }
}

/**
 * The signing key: `authentication.jwtSecret` when configured, else the key kept in the database
 * (generated once, shared by every server process on that database).
 * @throws OmsmError DB_UNAVAILABLE.
 */
export async function signingKey(
  db: Kysely<Database>,
  configured: string,
  create = true,
): Promise<Uint8Array> {
  if (configured !== '') return new TextEncoder().encode(configured);
  const stored = create
    ? await ensureSetting(db, SIGNING_KEY_SETTING, () => randomBytes(32).toString('base64url'))
    : await readSetting(db, SIGNING_KEY_SETTING);
  if (stored === undefined) {
    throw omsmError(
      'OMSM_ERR_CONFIG_INVALID',
      'authentication.jwtSecret is empty and the database holds no generated signing key yet',
      { path: 'authentication.jwtSecret' },
    );
  }
  return new TextEncoder().encode(stored);
}

/** The HMAC key imported once (jose re-imports a raw key on every sign and verify). */
export function importHmacKey(raw: Uint8Array): Promise<webcrypto.CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}
