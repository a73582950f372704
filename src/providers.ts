/**
 * @module providers
 *
 * The composition root for secrets providers, above core: core's db and in-memory providers plus
 * the kubernetes provider, whose module (and @kubernetes/client-node under it) is imported only
 * when the config asks for it, so the db-only server and the CLI's pure commands stay light.
 */
import type { OmsmConfig } from './core/config/config-types.js';
import { omsmError } from './core/errors.js';
import type { SecretsProvider } from './core/providers/provider.js';
import {
  coreProviderRegistry,
  type OpenProviderOptions,
  type ProviderRegistry,
} from './core/providers/registry.js';

/** The registry of every provider omsm ships. */
export function providerRegistry(): ProviderRegistry {
  return coreProviderRegistry().register('kubernetes', async (config, options) => {
    // Dynamic import: @kubernetes/client-node is loaded only when the config asks for kubernetes.
    let mod: typeof import('./kubernetes/index.js');
    try {
      mod = await import('./kubernetes/index.js');
    } catch (err) {
      throw omsmError('OMSM_ERR_INTERNAL', 'the kubernetes provider module could not be loaded', {}, err);
    }
    const smc = config.secretsManagerConfiguration;
    const p = smc.parameters;
    return mod.createKubernetesProvider({
      connection: {
        inCluster: p.inCluster,
        kubeconfigPath: p.kubeconfigPath,
        namespace: p.namespace,
        ...(options.inClusterPrefix === undefined ? {} : { inClusterPrefix: options.inClusterPrefix }),
      },
      tags: smc.tags,
      readOnly: options.readOnly ?? false,
      requestDeadlineMs: p.requestDeadlineMs,
      concurrency: p.concurrency,
      accessCheck: p.accessCheck,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  });
}

/**
 * Opens the provider named by `secretsManagerConfiguration.secretsManager`.
 * @throws OmsmError OMSM_ERR_FERNET_KEY (db), OMSM_ERR_KUBE_CONFIG and connection errors (kubernetes).
 * @example const provider = await openProvider(loadConfig(), { readOnly: true });
 */
export async function openProvider(
  config: OmsmConfig,
  options: OpenProviderOptions = {},
): Promise<SecretsProvider> {
  return providerRegistry().open(config, options);
}

export type { OpenProviderOptions };
