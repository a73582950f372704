/**
 * @module kubernetes/module
 *
 * The kubernetes provider module (`secretsManager: kubernetes`): the opener, and what the rest of
 * omsm asks of the provider instead of testing its name: where a config's Secrets live, whether
 * two configs reach the same Secrets, the namespace a workflow config must carry, the readiness
 * checks, doctor's checks and the store inspector. `src/providers.ts` imports it lazily.
 */
import type { ProviderConfig, ProviderModule, ProviderReadiness } from '../core/providers/module.js';
import type { SecretsProvider } from '../core/providers/provider.js';
import { loadKubeConfig } from './connect.js';
import { connectionOf, kubernetesDoctor, type ProbeFactory } from './doctor.js';
import { createKubernetesProvider } from './index.js';
import { kubernetesInspector } from './inspector.js';

/** A Secret name no one uses: `get` on it proves the API answers and `get` is allowed. */
const READINESS_PROBE = 'secret:omsm-readiness-probe';

function describe(config: ProviderConfig): string {
  const p = config.secretsManagerConfiguration.parameters;
  const via = p.inCluster
    ? 'in-cluster'
    : p.kubeconfigPath
      ? `kubeconfig ${p.kubeconfigPath}`
      : 'default kubeconfig';
  return `kubernetes (namespace ${p.namespace}, ${via})`;
}

function readiness(provider: SecretsProvider): ProviderReadiness[] {
  return [
    {
      name: 'kubernetes',
      async check() {
        try {
          await provider.exists(READINESS_PROBE);
          return { ok: true };
        } catch (err) {
          const code = (err as { code?: string }).code ?? 'error';
          return { ok: false, detail: `Kubernetes API not usable (${code})` };
        }
      },
    },
    {
      name: 'kubernetes-rbac',
      async check() {
        const access = provider.access;
        if (!access) return { ok: true, detail: 'self-check off' };
        return access.state === 'Ready' ? { ok: true } : { ok: false, detail: access.message };
      },
    },
  ];
}

/** The module; `probe` replaces doctor's client-node probe (unit tests). */
export function createKubernetesModule(options: { readonly probe?: ProbeFactory } = {}): ProviderModule {
  return {
    name: 'kubernetes',
    inline: false,
    fernetKey: 'reads',
    open: (config, o) => {
      const smc = config.secretsManagerConfiguration;
      const p = smc.parameters;
      return createKubernetesProvider({
        connection: connectionOf(config, o.inClusterPrefix),
        tags: smc.tags,
        readOnly: o.readOnly ?? false,
        requestDeadlineMs: p.requestDeadlineMs,
        concurrency: p.concurrency,
        accessCheck: p.accessCheck,
        ...(o.logger ? { logger: o.logger } : {}),
        ...(o.observer ? { observer: o.observer } : {}),
      });
    },
    describe,
    async sameStore(a, b) {
      const pa = a.secretsManagerConfiguration.parameters;
      const pb = b.secretsManagerConfiguration.parameters;
      if (
        pa.namespace === pb.namespace &&
        pa.inCluster === pb.inCluster &&
        pa.kubeconfigPath === pb.kubeconfigPath
      ) {
        return 'are the same';
      }
      // Two kubeconfigs can reach the same API server: same server URL and namespace means the
      // same Secrets.
      const where = (c: ProviderConfig) =>
        `${loadKubeConfig(connectionOf(c)).getCurrentCluster()?.server ?? ''} ${c.secretsManagerConfiguration.parameters.namespace}`;
      return where(a) === where(b) ? 'reach the same API server and namespace' : undefined;
    },
    workflowSettings: (config) => ({
      // Upstream has no such key; omsm's ingestion reads the Secrets from where the server wrote them.
      secretsManagerNamespace: config.secretsManagerConfiguration.parameters.namespace,
    }),
    readiness,
    doctor: kubernetesDoctor(options.probe),
    inspector: async (config) =>
      kubernetesInspector(connectionOf(config), {
        concurrency: config.secretsManagerConfiguration.parameters.concurrency,
      }),
  };
}

export const kubernetesModule: ProviderModule = createKubernetesModule();
