/**
 * Test support for the server: `buildTestServer(t, options)` builds the app on a fresh database of
 * the given dialect with the given provider (in-memory by default; `kubernetes` on a fresh
 * kube-emulator), mints an admin token, and tears everything down after the test.
 */
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { loadConfig } from '../src/core/config/load-config.js';
import type { OmsmConfig } from '../src/core/config/config-types.js';
import type { SecretsProvider } from '../src/core/providers/provider.js';
import { createInMemoryProvider } from '../src/core/providers/in-memory-provider.js';
import { loadSchemaRegistry } from '../src/core/schema/schema-registry.js';
import { createSecretsManager } from '../src/core/secrets/secrets-manager.js';
import { buildServer } from '../src/server/app.js';
import { InstrumentedProvider } from '../src/server/instrumented-provider.js';
import { freshDatabase, type DialectName } from './server-dialects.case.js';

export interface TestServer {
  readonly app: FastifyInstance;
  readonly config: OmsmConfig;
  readonly provider: InstrumentedProvider;
  readonly adminToken: string;
  /** `Authorization` header object for the admin. */
  readonly admin: { authorization: string };
}

export interface TestServerOptions {
  readonly dialect?: DialectName;
  /** The provider to use; default a fresh in-memory one. */
  readonly provider?: SecretsProvider;
  readonly env?: Record<string, string>;
  readonly tokenCacheMs?: number;
}

export async function buildTestServer(
  t: TestContext | { after: (fn: () => Promise<void>) => void },
  options: TestServerOptions = {},
): Promise<TestServer> {
  const db = await freshDatabase(options.dialect ?? 'sqlite');
  const config = loadConfig({
    env: {
      SECRET_MANAGER: options.provider?.name ?? 'in-memory',
      OM_JWT_SECRET: 'test-signing-key-0123456789abcdef0123456789',
      ...options.env,
    },
  });
  const full: OmsmConfig = { ...config, database: db.config };
  const metrics = new Registry();
  const provider = new InstrumentedProvider(options.provider ?? createInMemoryProvider(), metrics);
  const secrets = createSecretsManager({
    provider,
    naming: { prefix: full.secretsManagerConfiguration.prefix, clusterName: full.clusterName },
    schemas: loadSchemaRegistry(),
  });
  const app = await buildServer({
    config: full,
    secrets,
    schemas: loadSchemaRegistry(),
    metrics,
    publicUrl: 'http://127.0.0.1:8585',
    ...(options.tokenCacheMs === undefined ? {} : { tokenCacheMs: options.tokenCacheMs }),
  });
  t.after(async () => {
    await app.close();
    await db.drop();
  });
  const { token } = await app.auth.mint({ sub: 'admin', role: 'admin' });
  return { app, config: full, provider, adminToken: token, admin: { authorization: `Bearer ${token}` } };
}
