/**
 * @module server/routes/users
 *
 * `/api/v1/users` for bot users (omsm keeps no human users: their login lives in the identity
 * provider). Besides the shared CRUD routes, as upstream:
 * - `GET /auth-mechanism/{id}`: the bot's authenticationMechanism with the JWT in clear (admin);
 * - `PUT /generateToken/{id}` `{JWTTokenExpiry}`: a new token; the old one stops working;
 * - `PUT /revokeToken` `{id}`: removes the token (its Secret is deleted); the bot cannot call in.
 */
import type { FastifyInstance } from 'fastify';
import { omsmError } from '../../core/errors.js';
import type { JsonObject } from '../../core/secrets/secrets-manager-types.js';
import { TOKEN_ID_FIELD } from '../auth/auth-service.js';
import { DEFAULT_EXPIRY, issueBotToken, newBotUserDoc, requireBotUser } from '../bot-users.js';
import { configAt, USER_KIND } from '../../domain/kinds.js';
import { entityView } from '../entity-views.js';
import {
  authMechanismResponse,
  createUserBody,
  generateTokenBody,
  jwtAuthMechanism,
  userEntity,
} from '../schemas/bot.js';
import { errorResponses, idParams, restoreBody } from '../schemas/common.js';
import { registerCrud } from './crud.js';

const OPTIONAL = ['displayName', 'description', 'email'] as const;

export async function userRoutes(app: FastifyInstance): Promise<void> {
  const repo = () => app.repos.of('user');
  registerCrud(app, {
    repo,
    entityType: 'user',
    createBody: createUserBody,
    entitySchema: userEntity,
    readRoles: ['admin'],
    immutable: ['isBot', 'authenticationMechanism'],
    async fromBody(app, body, existing) {
      if (body.isBot !== true && existing?.doc.isBot !== true) {
        throw omsmError('OMSM_ERR_API_INVALID', 'omsm keeps bot users only: set isBot to true', {
          path: 'isBot',
        });
      }
      const name = String(body.name);
      if (!existing) {
        const mech = body.authenticationMechanism as { config?: { JWTTokenExpiry?: string } } | undefined;
        const doc = await newBotUserDoc(app, {
          name,
          ...(typeof body.email === 'string' ? { email: body.email } : {}),
          ...(typeof body.displayName === 'string' ? { displayName: body.displayName } : {}),
          ...(typeof body.description === 'string' ? { description: body.description } : {}),
          expiry: mech?.config?.JWTTokenExpiry ?? DEFAULT_EXPIRY,
        });
        return { name, doc };
      }
      // Updates never touch the token: generateToken and revokeToken do.
      const doc: JsonObject = { ...existing.doc };
      for (const k of OPTIONAL) if (body[k] !== undefined) doc[k] = body[k]!;
      return { name, doc };
    },
  });

  app.get<{ Params: { id: string } }>(
    '/auth-mechanism/:id',
    {
      schema: {
        summary: "A bot user's authentication mechanism with its JWT in clear (admin only)",
        params: idParams,
        response: { ...errorResponses, 200: authMechanismResponse },
      },
    },
    async (request) => {
      const user = await repo().getById(request.params.id);
      requireBotUser(user);
      const slot = USER_KIND.slots(user.doc, user.name)[0];
      if (!slot) throw omsmError('OMSM_ERR_API_NOT_FOUND', `bot user "${user.name}" has no token`);
      return app.secretsManager.resolve(slot.scope, configAt(user.doc, slot.pointer)!);
    },
  );

  app.put<{ Params: { id: string }; Body: { JWTTokenExpiry?: string } }>(
    '/generateToken/:id',
    {
      schema: {
        summary: 'Issue a new JWT for a bot user; the old one stops working',
        params: idParams,
        body: generateTokenBody,
        response: { ...errorResponses, 200: jwtAuthMechanism },
      },
    },
    async (request) => {
      const user = await repo().getById(request.params.id);
      requireBotUser(user);
      const issued = await issueBotToken(app, user.name, request.body?.JWTTokenExpiry ?? DEFAULT_EXPIRY);
      await repo().update(user, (cur) => ({
        doc: { ...cur.doc, authenticationMechanism: issued.mechanism, [TOKEN_ID_FIELD]: issued.jti },
      }));
      app.auth.invalidateBot(user.name);
      return issued.mechanism.config;
    },
  );

  app.put<{ Body: { id: string } }>(
    '/revokeToken',
    {
      schema: {
        summary: "Revoke a bot user's JWT (its Secret is deleted)",
        body: restoreBody,
        response: { ...errorResponses, 200: userEntity },
      },
    },
    async (request) => {
      const user = await repo().getById(request.body.id);
      requireBotUser(user);
      const updated = await repo().update(user, (cur) => {
        const { [TOKEN_ID_FIELD]: _gone, ...rest } = cur.doc;
        return {
          doc: {
            ...rest,
            authenticationMechanism: { authType: 'JWT', config: { JWTTokenExpiry: 'Unlimited' } },
          },
        };
      });
      app.auth.invalidateBot(user.name);
      return entityView(app.secretsManager, USER_KIND, updated, 'admin');
    },
  );
}
