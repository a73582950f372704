/**
 * Test support for the server: `buildTestServer(t, options)` builds the app on a fresh database of
 * the given dialect with the given provider (in-memory by default; `kubernetes` on a fresh
 * kube-emulator), mints an admin token, and tears everything down after the test.
 */
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/core/config/load-config.js';
import { createLogger } from '../../src/core/logging.js';
import type { OmsmConfig } from '../../src/core/config/config-types.js';
import type { SecretsProvider } from '../../src/core/providers/provider.js';
import { createInMemoryProvider } from '../../src/core/providers/in-memory-provider.js';
import { loadSchemaRegistry } from '../../src/core/schema/schema-registry.js';
import { createSecretsManager } from '../../src/core/secrets/secrets-manager.js';
import { buildServer } from '../../src/server/app.js';
import { InstrumentedProvider } from '../../src/server/instrumented-provider.js';
import { freshDatabase, type DialectName } from './database-dialects.js';

export interface TestServer {
  readonly app: FastifyInstance;
  readonly config: OmsmConfig;
  readonly provider: InstrumentedProvider;
  readonly adminToken: string;
  /** `Authorization` header object for the admin. */
  readonly admin: { authorization: string };
  /** Replicas sharing this server's database: closed before it is dropped. */
  readonly replicas: (() => Promise<void>)[];
}

export interface TestServerOptions {
  readonly dialect?: DialectName;
  /** The provider to use; default a fresh in-memory one. */
  readonly provider?: SecretsProvider;
  readonly env?: Record<string, string>;
  readonly tokenCacheMs?: number;
  /** Another replica: same database (and the caller passes the same provider store). */
  readonly replicaOf?: TestServer;
}

export async function buildTestServer(
  t: TestContext | { after: (fn: () => Promise<void>) => void },
  options: TestServerOptions = {},
): Promise<TestServer> {
  const db = options.replicaOf
    ? { config: options.replicaOf.config.database, drop: async () => {} }
    : await freshDatabase(options.dialect ?? 'sqlite');
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
    ...(process.env.OMSM_TEST_SERVER_LOG
      ? { logger: createLogger({ name: 'test-server', level: 'warn' }) }
      : {}),
    ...(options.tokenCacheMs === undefined ? {} : { tokenCacheMs: options.tokenCacheMs }),
  });
  const replicas: (() => Promise<void>)[] = [];
  if (options.replicaOf) {
    options.replicaOf.replicas.push(() => app.close());
  } else {
    t.after(async () => {
      for (const close of replicas) await close();
      await app.close();
      await db.drop();
    });
  }
  const { token } = await app.auth.mint({ sub: 'admin', role: 'admin' });
  return {
    app,
    config: full,
    provider,
    adminToken: token,
    admin: { authorization: `Bearer ${token}` },
    replicas,
  };
}

/** Starts a kube-emulator for a test file with omsm's server Role (docs/contract.md#rbac) bound to a ServiceAccount in each namespace. */
export async function startTestEmulator(namespaces: readonly string[]) {
  const { startEmulator } = await import('../../src/emulator/index.js');
  const emulator = await startEmulator({ namespaces });
  const kubeconfigs = new Map<string, string>();
  for (const ns of namespaces) {
    await emulator.apply([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'omsm-server', namespace: ns } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'openmetadata-secrets-role', namespace: ns },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get', 'update', 'delete'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'openmetadata-secrets-rb', namespace: ns },
        subjects: [{ kind: 'ServiceAccount', name: 'omsm-server', namespace: ns }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'openmetadata-secrets-role' },
      },
    ]);
    kubeconfigs.set(ns, await emulator.writeServiceAccountKubeconfig(ns, 'omsm-server'));
  }
  return { emulator, kubeconfigs };
}

/** The kubernetes provider as the ServiceAccount of `namespace`, with a short deadline for failure tests. */
export async function kubeProvider(kubeconfigPath: string, namespace: string, requestDeadlineMs = 2000) {
  const { createKubernetesProvider } = await import('../../src/kubernetes/index.js');
  return createKubernetesProvider({
    connection: { inCluster: false, kubeconfigPath, namespace },
    tags: {},
    accessCheck: 'off',
    requestDeadlineMs,
  });
}
