/**
 * @module server/plugins/core-plugins
 *
 * The shared, non-encapsulated pieces as `fp` plugins with names, so dependents declare them:
 * `omsm-config` (config and deps), `omsm-db` (database, migrated on start, destroyed on close when
 * opened here), `omsm-secrets` (the SecretsManager and the connection-config validator).
 */
import fp from 'fastify-plugin';
import { openDatabase } from '../../domain/db/database.js';
import { EntityStore } from '../../domain/db/entity-store.js';
import { migrateToLatest } from '../../domain/db/migrations.js';
import type { ServerDeps } from '../deps.js';
import { ConfigValidator } from '../../domain/config-validator.js';
import '../fastify-types.js';

export const configPlugin = fp<{ deps: ServerDeps }>(
  async (app, { deps }) => {
    app.decorate('omsmDeps', deps);
    app.decorate('omsmConfig', deps.config);
  },
  { name: 'omsm-config', fastify: '5.x' },
);

export const dbPlugin = fp(
  async (app) => {
    const given = app.omsmDeps.database;
    const open = given ?? openDatabase(app.omsmConfig.database);
    try {
      await migrateToLatest(open.db as never, open.scheme);
    } catch (err) {
      if (!given) await open.db.destroy();
      throw err;
    }
    app.decorate('database', open);
    app.decorate('store', new EntityStore(open.db));
    // The pool is ours only when we opened it; a caller-supplied database is the caller's to close.
    if (!given) app.addHook('onClose', async () => open.db.destroy());
  },
  { name: 'omsm-db', dependencies: ['omsm-config'] },
);

export const secretsPlugin = fp(
  async (app) => {
    app.decorate('secretsManager', app.omsmDeps.secrets);
    app.decorate('configValidator', new ConfigValidator(app.omsmDeps.schemas));
  },
  { name: 'omsm-secrets', dependencies: ['omsm-config'] },
);
