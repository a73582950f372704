/**
 * @module core/providers/registry
 *
 * An explicit `name → factory` map of secrets providers. Core registers the two it owns (db,
 * in-memory); the composition root (`src/providers.ts`) adds kubernetes, whose module is loaded by
 * dynamic import only when configured. Registering a name twice is a programming error.
 */
import type { OmsmConfig, ProviderName } from '../config/config-types.js';
import { omsmError } from '../errors.js';
import type { Logger } from '../logging.js';
import { createDbProvider } from './db-provider.js';
import { createInMemoryProvider, type InMemoryStore } from './in-memory-provider.js';
import type { SecretsProvider } from './provider.js';

export interface OpenProviderOptions {
  /** Open for reads only (ingestion, checks): writes throw SECRET_READ_ONLY. */
  readonly readOnly?: boolean;
  readonly logger?: Logger;
  /** Root for the in-cluster ServiceAccount files (tests point it at a temp dir). */
  readonly inClusterPrefix?: string;
  /** Shared state for `in-memory` (so several providers in one process see the same secrets). */
  readonly inMemoryStore?: InMemoryStore;
}

export type ProviderFactory = (config: OmsmConfig, options: OpenProviderOptions) => Promise<SecretsProvider>;

/** Name → factory; throws on duplicates and on unknown names. */
export class ProviderRegistry {
  readonly #factories = new Map<string, ProviderFactory>();

  /** @throws OmsmError OMSM_ERR_INTERNAL when `name` is already registered. */
  register(name: ProviderName, factory: ProviderFactory): this {
    if (this.#factories.has(name)) {
      throw omsmError('OMSM_ERR_INTERNAL', `provider "${name}" is registered twice`);
    }
    this.#factories.set(name, factory);
    return this;
  }

  has(name: string): boolean {
    return this.#factories.has(name);
  }

  names(): string[] {
    return [...this.#factories.keys()];
  }

  /** @throws OmsmError OMSM_ERR_CONFIG_PROVIDER when no factory is registered under the name. */
  async open(config: OmsmConfig, options: OpenProviderOptions = {}): Promise<SecretsProvider> {
    const name = config.secretsManagerConfiguration.secretsManager;
    const factory = this.#factories.get(name);
    if (!factory) {
      throw omsmError(
        'OMSM_ERR_CONFIG_PROVIDER',
        `secretsManagerConfiguration.secretsManager: "${name}" is not available here; registered: ${this.names().join(', ')}`,
        { path: 'secretsManagerConfiguration.secretsManager' },
      );
    }
    return factory(config, options);
  }
}

/** A registry holding core's providers (db, in-memory). */
export function coreProviderRegistry(): ProviderRegistry {
  return new ProviderRegistry()
    .register('db', async (config, options) =>
      createDbProvider({ fernetKey: config.fernetConfiguration.fernetKey, readOnly: options.readOnly }),
    )
    .register('in-memory', async (_config, options) =>
      createInMemoryProvider({ store: options.inMemoryStore, readOnly: options.readOnly }),
    );
}
