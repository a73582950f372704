/**
 * @module server/routes/bots
 *
 * `/api/v1/bots`. A bot points at its bot user (`botUser`, an entity reference). Creating a bot
 * whose `botUser` is omitted or names no existing user creates that bot user too, token and all,
 * in the same transaction (upstream needs two calls). Deleting a bot deletes its bot user with it;
 * a hard delete removes the token's Secret (upstream leaves it behind).
 */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../../core/secrets/secrets-manager-types.js';
import type { StoredEntity } from '../../domain/db/entity-store.js';
import { newBotUserDoc, requireBotUser } from '../bot-users.js';
import { createEntities } from '../../domain/entity-writer.js';
import { BOT_KIND, USER_KIND } from '../../domain/kinds.js';
import { botEntity, createBotBody } from '../schemas/bot.js';
import { registerCrud } from './crud.js';

const OPTIONAL = ['displayName', 'description'] as const;

function userRef(user: StoredEntity): JsonObject {
  return { id: user.id, type: 'user', name: user.name, fullyQualifiedName: user.name };
}

export async function botRoutes(app: FastifyInstance): Promise<void> {
  const bots = () => app.repos.of('bot');
  const users = () => app.repos.of('user');
  registerCrud(app, {
    repo: bots,
    entityType: 'bot',
    createBody: createBotBody,
    entitySchema: botEntity,
    readRoles: ['admin'],
    immutable: ['botUser'],
    async fromBody(_app, body, existing) {
      const name = String(body.name);
      const doc: JsonObject = existing
        ? { ...existing.doc }
        : {
            name,
            fullyQualifiedName: name,
            provider: (body.provider as string | undefined) ?? 'user',
            botUser: { type: 'user', name: (body.botUser as string | undefined) ?? name },
          };
      for (const k of OPTIONAL) if (body[k] !== undefined) doc[k] = body[k]!;
      return { name, doc };
    },
    async create(app, name, doc) {
      const userName = String((doc.botUser as { name: string }).name);
      const existingUser = await users().findByName(userName, 'non-deleted');
      if (existingUser) {
        requireBotUser(existingUser);
        return bots().create(name, { ...doc, botUser: userRef(existingUser) });
      }
      const userId = randomUUID();
      const userDoc = await newBotUserDoc(app, {
        name: userName,
        ...(typeof doc.displayName === 'string' ? { displayName: doc.displayName } : {}),
      });
      const botDoc = {
        ...doc,
        botUser: { id: userId, type: 'user', name: userName, fullyQualifiedName: userName },
      };
      const [, bot] = await createEntities(bots().ctx, [
        {
          kind: USER_KIND,
          id: userId,
          name: userName,
          doc: { ...userDoc, updatedBy: doc.updatedBy ?? 'admin' },
        },
        { kind: BOT_KIND, id: randomUUID(), name, doc: botDoc },
      ]);
      return bot!;
    },
    async companions(app, e) {
      const id = (e.doc.botUser as { id?: string } | undefined)?.id;
      const user = id ? await app.store.findById('user', id, 'all') : undefined;
      if (!user) return [];
      app.auth.invalidateBot(user.name);
      return [{ repo: users(), entity: user }];
    },
  });
}
