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
      SECRET_MANAGER: options.provider?.name === 'kubernetes' ? 'kubernetes' : 'in-memory',
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

/** Starts a kube-emulator for a test file with the seed's Role bound to a ServiceAccount in each namespace. */
export async function startTestEmulator(namespaces: readonly string[]) {
  const { startEmulator } = await import('../src/emulator/index.js');
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
  const { createKubernetesProvider } = await import('../src/kubernetes/index.js');
  return createKubernetesProvider({
    connection: { inCluster: false, kubeconfigPath, namespace },
    tags: {},
    accessCheck: 'off',
    requestDeadlineMs,
  });
}
