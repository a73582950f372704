/**
 * @module server/deps
 *
 * What `buildServer` needs from outside (ports, not implementations), and the decorators the
 * plugin tree adds to the Fastify instance. The CLI (`omsm serve`) and tests assemble the deps:
 * config, a SecretsManager built on a (metrics-instrumented) provider, the connection schema
 * registry, and readiness checks (Kubernetes reachable, RBAC self-check passed).
 */
import type { Registry } from 'prom-client';
import type { OmsmConfig } from '../core/config/config-types.js';
import type { Logger } from '../core/logging.js';
import type { SchemaRegistry } from '../core/schema/schema-registry.js';
import type { SecretsManager } from '../core/secrets/secrets-manager-types.js';
import type { OpenDatabase } from '../domain/db/database.js';

/** One readiness condition for /readyz: resolves ok or explains (no secret values). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

export interface ServerDeps {
  readonly config: OmsmConfig;
  readonly secrets: SecretsManager;
  /** Connection JSON Schemas (core's registry: bundled schemas/ plus config.schemaDirs). */
  readonly schemas: SchemaRegistry;
  /** An already-open database; default: opened from `config.database` (and closed with the server). */
  readonly database?: OpenDatabase;
  /** Extra /readyz conditions (the database is always checked). */
  readonly readiness?: readonly ReadinessCheck[];
  /** Prometheus registry shared with the instrumented provider; default a fresh one. */
  readonly metrics?: Registry;
  /** Request and error logs (core's pino logger, which redacts secret-like keys); default silent. */
  readonly logger?: Logger;
  /** Base URL ingestion uses to reach this server (workflow configs); default from server.host/port. */
  readonly publicUrl?: string;
  /** Bot-token validation cache lifetime, ms (default 5000). */
  readonly tokenCacheMs?: number;
}
