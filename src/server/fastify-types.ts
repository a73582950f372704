/**
 * @module server/fastify-types
 *
 * Declaration merging for what omsm's plugins decorate (fastify/demo's pattern): the instance
 * carries the config, the database, the secrets manager, the auth service and the repositories;
 * a request carries its authenticated principal; a route's `config.auth` says who may call it.
 */
import type { Registry } from 'prom-client';
import type { OmsmConfig } from '../core/config/config-types.js';
import type { SecretsManager } from '../core/secrets/secrets-manager-types.js';
import type { AuthService } from './auth/auth-service.js';
import type { TokenClaims, Role } from './auth/jwt.js';
import type { OpenDatabase } from '../domain/db/database.js';
import type { EntityStore } from '../domain/db/entity-store.js';
import type { ServerDeps } from './deps.js';
import type { ConfigValidator } from '../domain/config-validator.js';
import type { Repositories } from '../domain/entity-repository.js';

/** Who may call a route: `public` (health only) or the roles allowed. Default `['admin']`. */
export type RouteAuth = 'public' | readonly Role[];

declare module 'fastify' {
  interface FastifyInstance {
    omsmDeps: ServerDeps;
    omsmConfig: OmsmConfig;
    database: OpenDatabase;
    store: EntityStore;
    secretsManager: SecretsManager;
    configValidator: ConfigValidator;
    auth: AuthService;
    repos: Repositories;
    metricsRegistry: Registry;
  }
  interface FastifyRequest {
    principal?: TokenClaims;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}
