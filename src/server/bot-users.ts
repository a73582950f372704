/**
 * @module server/bot-users
 *
 * Bot users and their JWTs. The server issues every bot token itself (HS256, role `bot`, a fresh
 * `jti`), stores it through the SecretsManager at `authenticationMechanism.config.JWTToken` (scope
 * `['bot', <user name>]`, so `<cluster>-bot-<name>-config-jwttoken`), and records the `jti` on the
 * user document (`omsmTokenId`) so the auth hook can reject any older token.
 */
import type { FastifyInstance } from 'fastify';
import { omsmError } from '../core/errors.js';
import type { JsonObject } from '../core/secrets/secrets-manager-types.js';
import { TOKEN_ID_FIELD } from './auth/auth-service.js';
import { expiryToSeconds } from './auth/jwt.js';
import type { StoredEntity } from '../domain/db/entity-store.js';

export const DEFAULT_EXPIRY = 'Unlimited';

/** A fresh token and the authenticationMechanism that holds it (plain, before encryption). */
export async function issueBotToken(
  app: FastifyInstance,
  userName: string,
  expiry: string,
): Promise<{ mechanism: JsonObject; jti: string; token: string; expiresAt?: number }> {
  const ttl = expiryToSeconds(expiry);
  const minted = await app.auth.mint({ sub: userName, role: 'bot' }, ttl);
  const config: JsonObject = { JWTToken: minted.token, JWTTokenExpiry: expiry };
  if (minted.expiresAt !== undefined) config.JWTTokenExpiresAt = minted.expiresAt;
  return {
    mechanism: { authType: 'JWT', config },
    jti: minted.jti,
    token: minted.token,
    ...(minted.expiresAt === undefined ? {} : { expiresAt: minted.expiresAt }),
  };
}

/** The stored document of a new bot user (its token still plain; the writer stores it). */
export async function newBotUserDoc(
  app: FastifyInstance,
  body: { name: string; email?: string; displayName?: string; description?: string; expiry?: string },
): Promise<JsonObject> {
  const issued = await issueBotToken(app, body.name, body.expiry ?? DEFAULT_EXPIRY);
  const doc: JsonObject = {
    name: body.name,
    fullyQualifiedName: body.name,
    email: body.email ?? `${body.name.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}@omsm.bot`,
    isBot: true,
    isAdmin: false,
    authenticationMechanism: issued.mechanism,
    [TOKEN_ID_FIELD]: issued.jti,
  };
  if (body.displayName !== undefined) doc.displayName = body.displayName;
  if (body.description !== undefined) doc.description = body.description;
  return doc;
}

/** @throws OmsmError API_INVALID when `user` is not a bot user. */
export function requireBotUser(user: StoredEntity): void {
  if (user.doc.isBot !== true) {
    throw omsmError('OMSM_ERR_API_INVALID', `user "${user.name}" is not a bot user`, { path: 'botUser' });
  }
}
