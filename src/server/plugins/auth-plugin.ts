/**
 * @module server/plugins/auth-plugin
 *
 * `omsm-auth`: loads the signing key (configured, or generated once and kept in the database),
 * decorates `auth`, and adds the one onRequest hook that authenticates every route except those
 * whose `config.auth` is `public`, then checks the route's roles (default admin only).
 */
import fp from 'fastify-plugin';
import { AuthService } from '../auth/auth-service.js';
import { importHmacKey, signingKey } from '../auth/jwt.js';
import '../fastify-types.js';

export const authPlugin = fp(
  async (app) => {
    const a = app.omsmConfig.authentication;
    const key = await importHmacKey(await signingKey(app.database.db, a.jwtSecret));
    app.decorate(
      'auth',
      new AuthService({
        key,
        issuer: a.issuer,
        adminToken: a.adminToken,
        metricsToken: a.metricsToken,
        store: app.store,
        cacheMs: app.omsmDeps.tokenCacheMs ?? 5000,
      }),
    );
    app.decorateRequest('principal', undefined);
    app.addHook('onRequest', async (request) => {
      const rule = request.routeOptions.config?.auth ?? ['admin'];
      if (rule === 'public') return;
      const principal = await app.auth.authenticate(request.headers.authorization);
      request.principal = principal;
      app.auth.authorize(principal, rule);
    });
  },
  { name: 'omsm-auth', dependencies: ['omsm-config', 'omsm-db'] },
);
