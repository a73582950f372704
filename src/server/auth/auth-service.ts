/**
 * @module server/auth/auth-service
 *
 * Authenticates bearer tokens and authorizes roles. Admin JWTs (and the optional static
 * `authentication.adminToken`) may call everything; the static `authentication.metricsToken` only
 * /metrics; bot JWTs are accepted only while their `jti`
 * equals the token id stored on the bot user, so rotating (or revoking, or deleting the bot)
 * rejects the old token. That lookup is cached for `cacheMs` per bot user; this process drops the
 * entry at once when it rotates a token, other processes within `cacheMs`.
 */
import { createHash, timingSafeEqual, type webcrypto } from 'node:crypto';
import { omsmError } from '../../core/errors.js';
import type { EntityStore } from '../../domain/db/entity-store.js';
import { mintToken, type Role, type TokenClaims, verifyToken } from './jwt.js';

/** Field of a bot user's stored document holding the id of its current token (never served). */
export const TOKEN_ID_FIELD = 'omsmTokenId';

export class AuthService {
  readonly #key: Uint8Array | webcrypto.CryptoKey;
  readonly #issuer: string;
  readonly #staticAdmin: Buffer | undefined;
  readonly #staticMetrics: Buffer | undefined;
  readonly #store: EntityStore;
  readonly #cacheMs: number;
  readonly #botCache = new Map<string, { jti: string | undefined; at: number }>();

  constructor(options: {
    key: Uint8Array | webcrypto.CryptoKey;
    issuer: string;
    adminToken: string;
    /** Static token that may read /metrics and nothing else (Prometheus); empty = none. */
    metricsToken?: string;
    store: EntityStore;
    cacheMs: number;
  }) {
    this.#key = options.key;
    this.#issuer = options.issuer;
    this.#staticAdmin = options.adminToken === '' ? undefined : digest(options.adminToken);
    this.#staticMetrics = (options.metricsToken ?? '') === '' ? undefined : digest(options.metricsToken!);
    this.#store = options.store;
    this.#cacheMs = options.cacheMs;
  }

  /** Signs a token with the server's key. */
  mint(claims: { sub: string; role: Role; jti?: string }, ttlSeconds?: number) {
    return mintToken(this.#key, this.#issuer, claims, ttlSeconds);
  }

  /**
   * The principal behind an `Authorization` header value.
   * @throws OmsmError API_UNAUTHORIZED (missing, malformed, invalid, expired or rotated token).
   */
  async authenticate(header: string | undefined): Promise<TokenClaims> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) throw omsmError('OMSM_ERR_API_UNAUTHORIZED', 'missing bearer token');
    const token = m[1]!;
    if (this.#staticAdmin && timingSafeEqual(digest(token), this.#staticAdmin)) {
      return { sub: 'admin', role: 'admin', jti: 'static-admin-token' };
    }
    if (this.#staticMetrics && timingSafeEqual(digest(token), this.#staticMetrics)) {
      return { sub: 'metrics', role: 'metrics', jti: 'static-metrics-token' };
    }
    const claims = await verifyToken(this.#key, this.#issuer, token);
    if (claims.role === 'bot' && (await this.#currentBotTokenId(claims.sub)) !== claims.jti) {
      throw omsmError('OMSM_ERR_API_UNAUTHORIZED', 'the bot token was rotated or revoked');
    }
    return claims;
  }

  /**
   * Checks a principal against the roles a route allows.
   * @throws OmsmError API_FORBIDDEN.
   */
  authorize(principal: TokenClaims, allowed: readonly Role[]): void {
    if (!allowed.includes(principal.role)) {
      throw omsmError('OMSM_ERR_API_FORBIDDEN', `role ${principal.role} may not call this endpoint`);
    }
  }

  /** Forgets the cached token id of a bot user (after rotation, revocation or deletion). */
  invalidateBot(botUserName: string): void {
    this.#botCache.delete(botUserName);
  }

  async #currentBotTokenId(name: string): Promise<string | undefined> {
    const hit = this.#botCache.get(name);
    if (hit && Date.now() - hit.at < this.#cacheMs) return hit.jti;
    const user = await this.#store.findByName('user', name, 'non-deleted');
    const jti =
      user && user.doc.isBot === true && typeof user.doc[TOKEN_ID_FIELD] === 'string'
        ? (user.doc[TOKEN_ID_FIELD] as string)
        : undefined;
    this.#botCache.set(name, { jti, at: Date.now() });
    return jti;
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
