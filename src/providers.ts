/**
 * @module providers
 *
 * The registry of every provider module omsm ships: core's db and in-memory, plus kubernetes,
 * whose module (and @kubernetes/client-node under it) is imported only when something asks for it,
 * so the db-only server and the CLI's pure commands stay light. The only file that imports
 * `src/kubernetes`.
 */
import { omsmError } from './core/errors.js';
import type { SecretsProvider } from './core/providers/provider.js';
import {
  coreProviderRegistry,
  type OpenProviderOptions,
  type ProviderConfig,
  type ProviderModule,
  type ProviderRegistry,
} from './core/providers/registry.js';

/** The registry of every provider omsm ships. */
export function providerRegistry(): ProviderRegistry {
  return coreProviderRegistry().registerLazy('kubernetes', async () => {
    try {
      return (await import('./kubernetes/module.js')).kubernetesModule;
    } catch (err) {
      throw omsmError('OMSM_ERR_INTERNAL', 'the kubernetes provider module could not be loaded', {}, err);
    }
  });
}

/**
 * The module of the provider a config names.
 * @throws OmsmError OMSM_ERR_CONFIG_PROVIDER for a name no module is registered under.
 */
export function providerModule(config: ProviderConfig): Promise<ProviderModule> {
  return providerRegistry().moduleFor(config);
}

/**
 * Opens the provider named by `secretsManagerConfiguration.secretsManager`.
 * @throws OmsmError OMSM_ERR_FERNET_KEY (db), OMSM_ERR_KUBE_CONFIG and connection errors (kubernetes).
 * @example const provider = await openProvider(loadConfig(), { readOnly: true });
 */
export async function openProvider(
  config: ProviderConfig,
  options: OpenProviderOptions = {},
): Promise<SecretsProvider> {
  return providerRegistry().open(config, options);
}

export type { OpenProviderOptions, ProviderConfig, ProviderModule, ProviderRegistry };
