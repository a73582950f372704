/**
 * @module test/support/kubernetes-fixture
 * Shared set-up for the kubernetes provider's integration tests: a kube-emulator with the contract's
 * ServiceAccount, Role and RoleBinding in a secrets namespace, and a helper to open providers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type KubeEmulator } from '../../src/emulator/index.js';
import { createKubernetesProvider, type KubernetesProviderOptions } from '../../src/kubernetes/index.js';
import { run } from './spawn.js';

export const NS = 'om-secrets';
export const SA = 'openmetadata-secrets-sa';

/** The RBAC objects of docs/contract.md#rbac, for `sa` in `ns`, with `verbs`. */
export function seedRbac(
  ns: string,
  sa: string,
  verbs: readonly string[],
  suffix = '',
): Record<string, unknown>[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: `openmetadata-secrets-role${suffix}`, namespace: ns },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: [...verbs] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `openmetadata-secrets-rb${suffix}`, namespace: ns },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: `openmetadata-secrets-role${suffix}`,
      },
    },
  ];
}

export async function startSeededEmulator(): Promise<KubeEmulator> {
  const emu = await startEmulator({ namespaces: [NS] });
  await emu.apply(seedRbac(NS, SA, ['create', 'get', 'update', 'delete']));
  return emu;
}

/** An openmetadata.yaml using the kubernetes provider in NS with `kubeconfig`; returns its path. */
export function writeKubernetesConfig(kubeconfig: string): string {
  const config = join(mkdtempSync(join(tmpdir(), 'omsm-cli-')), 'openmetadata.yaml');
  writeFileSync(
    config,
    [
      'clusterName: openmetadata',
      'secretsManagerConfiguration:',
      '  secretsManager: kubernetes',
      '  parameters:',
      `    namespace: ${NS}`,
      `    kubeconfigPath: ${kubeconfig}`,
      '    inCluster: false',
      '',
    ].join('\n'),
  );
  return config;
}

export function provider(kubeconfigPath: string, extra: Partial<KubernetesProviderOptions> = {}) {
  return createKubernetesProvider({
    connection: { inCluster: false, kubeconfigPath, namespace: NS },
    accessCheck: 'fail',
    ...extra,
  });
}

/** Runs kubectl with its own cache dir; resolves with stdout (never printed by the tests). */
export async function kubectl(
  kubeconfig: string,
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cache = mkdtempSync(join(tmpdir(), 'kubecache-'));
  // stdout may hold a Secret's value by design (`-o jsonpath={.data.value}`): only stderr is scanned.
  return run('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    env: { KUBECACHEDIR: cache, HOME: cache },
    scan: 'stderr',
  });
}

/** Only the secrets entries of the audit log for `ns`. */
export function secretVerbs(emu: KubeEmulator, ns = NS): string[] {
  return emu
    .audit()
    .filter((e) => e.resource === 'secrets' && e.namespace === ns)
    .map((e) => e.verb);
}
