/**
 * @module server/plugins/repositories-plugin
 *
 * Decorates `app.repos`: one domain repository per entity kind, sharing the server's store,
 * secrets manager, validator and logger.
 */
import fp from 'fastify-plugin';
import { createEntityRepository, type EntityRepository } from '../../domain/entity-repository.js';
import type { WriterContext } from '../../domain/entity-writer.js';
import { BOT_KIND, SECRET_HOLDING_KINDS } from '../../domain/kinds.js';
import '../fastify-types.js';

export const repositoriesPlugin = fp(
  async (app) => {
    const ctx: WriterContext = {
      store: app.store,
      secrets: app.secretsManager,
      validator: app.configValidator,
      log: app.log,
    };
    const map = new Map<string, EntityRepository>();
    for (const kind of [...SECRET_HOLDING_KINDS, BOT_KIND])
      map.set(kind.kind, createEntityRepository(ctx, kind));
    const repos = Object.assign(map, {
      of(k: string) {
        const r = map.get(k);
        if (!r) throw new Error(`no repository for kind ${k}`);
        return r;
      },
    });
    app.decorate('repos', repos);
  },
  { name: 'omsm-repositories', dependencies: ['omsm-db', 'omsm-secrets'] },
);
