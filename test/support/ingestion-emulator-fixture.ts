/**
 * @module test/support/ingestion-emulator-fixture
 *
 * Test support only (never imported by product code): a kube-emulator with a secrets namespace,
 * a get-only ingestion ServiceAccount (the contract's read-only Role), Secrets in the contract's format,
 * and a workflow config file that references them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type KubeEmulator, startEmulator } from '../../src/emulator/index.js';

export const SECRETS_NS = 'secrets';
export const INGEST_SA = 'ingest';

export interface IngestionFixture {
  readonly emu: KubeEmulator;
  readonly dir: string;
  /** Kubeconfig of the get-only ingestion ServiceAccount. */
  readonly ingestKubeconfig: string;
  /** The audit user of that ServiceAccount. */
  readonly ingestUser: string;
  /** Adds Secrets in the contract's format (`data.value`, the documented labels) as admin. */
  putSecrets(values: Readonly<Record<string, string>>, namespace?: string): Promise<void>;
  /** Writes a file in the fixture directory and returns its path. */
  file(name: string, content: string): string;
  close(): Promise<void>;
}

/** The documented read-only Role for ingestion (verb get only) and its binding. */
export function getOnlyRbac(
  namespace: string,
  sa: string,
  saNamespace = namespace,
): Record<string, unknown>[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: saNamespace } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'openmetadata-ingestion-read', namespace },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'openmetadata-ingestion-read', namespace },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: saNamespace }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'openmetadata-ingestion-read' },
    },
  ];
}

export function seedSecret(name: string, namespace: string, value: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      labels: { app: 'openmetadata', 'managed-by': 'openmetadata-secrets-manager' },
    },
    data: { value: Buffer.from(value, 'utf8').toString('base64') },
  };
}

export async function startIngestionFixture(
  extraNamespaces: readonly string[] = [],
): Promise<IngestionFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-ingest-'));
  const emu = await startEmulator({ namespaces: [SECRETS_NS, ...extraNamespaces], dir: join(dir, 'emu') });
  await emu.apply(getOnlyRbac(SECRETS_NS, INGEST_SA));
  const ingestKubeconfig = await emu.writeServiceAccountKubeconfig(SECRETS_NS, INGEST_SA);
  return {
    emu,
    dir,
    ingestKubeconfig,
    ingestUser: `system:serviceaccount:${SECRETS_NS}:${INGEST_SA}`,
    async putSecrets(values, namespace = SECRETS_NS) {
      await emu.apply(Object.entries(values).map(([n, v]) => seedSecret(n, namespace, v)));
    },
    file(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    async close() {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A workflow config in the shape OpenMetadata's ingestion reads, with the given secrets settings. */
export function workflowYaml(
  server: Readonly<Record<string, string>>,
  source: Readonly<Record<string, unknown>>,
): string {
  return `# ingestion workflow (test)\n${stringify(
    {
      source: { type: 'mysql', serviceName: 'mysql_prod', serviceConnection: { config: source } },
      sink: { type: 'metadata-rest', config: {} },
      workflowConfig: {
        loggerLevel: 'INFO',
        openMetadataServerConfig: {
          hostPort: 'http://localhost:8585/api',
          authProvider: 'openmetadata',
          ...server,
        },
      },
    },
    { lineWidth: 0 },
  )}`;
}
