/**
 * @module core/providers/registry
 *
 * An explicit `name → provider module` map, the only way omsm opens a provider or learns what a
 * provider can do. Core registers the two it owns (db, in-memory); the composition root
 * (`src/providers.ts`) adds kubernetes as a lazy entry, whose module (and its client library) is
 * imported on the first `module('kubernetes')`. Registering a name twice is a programming error.
 */
import type { ProviderName } from '../config/config-types.js';
import { omsmError } from '../errors.js';
import { dbModule, inMemoryModule } from './core-modules.js';
import type { OpenProviderOptions, ProviderConfig, ProviderModule } from './module.js';
import type { SecretsProvider } from './provider.js';

export type { OpenProviderOptions, ProviderConfig, ProviderModule } from './module.js';

/** Name → module (or a loader of it); throws on duplicates and on unknown names. */
export class ProviderRegistry {
  readonly #entries = new Map<string, () => Promise<ProviderModule>>();

  /** @throws OmsmError OMSM_ERR_INTERNAL when the module's name is already registered. */
  register(module: ProviderModule): this {
    return this.registerLazy(module.name, async () => module);
  }

  /**
   * Registers a module that is imported only when first asked for.
   * @throws OmsmError OMSM_ERR_INTERNAL when `name` is already registered.
   */
  registerLazy(name: ProviderName, load: () => Promise<ProviderModule>): this {
    if (this.#entries.has(name)) {
      throw omsmError('OMSM_ERR_INTERNAL', `provider "${name}" is registered twice`);
    }
    let loaded: Promise<ProviderModule> | undefined;
    this.#entries.set(name, () => {
      loaded ??= load().then((m) => {
        if (m.name !== name)
          throw omsmError('OMSM_ERR_INTERNAL', `provider "${name}" loaded module "${m.name}"`);
        return m;
      });
      return loaded;
    });
    return this;
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * The module registered under `name`.
   * @throws OmsmError OMSM_ERR_CONFIG_PROVIDER when none is; OMSM_ERR_INTERNAL when it cannot load.
   */
  async module(name: string): Promise<ProviderModule> {
    const entry = this.#entries.get(name);
    if (!entry) {
      throw omsmError(
        'OMSM_ERR_CONFIG_PROVIDER',
        `secretsManagerConfiguration.secretsManager: "${name}" is not available here; registered: ${this.names().join(', ')}`,
        { path: 'secretsManagerConfiguration.secretsManager' },
      );
    }
    return entry();
  }

  /** The module of a config's provider (`secretsManagerConfiguration.secretsManager`). */
  moduleFor(config: ProviderConfig): Promise<ProviderModule> {
    return this.module(config.secretsManagerConfiguration.secretsManager);
  }

  /** Every module, loading the lazy ones (for questions no single config answers). */
  async modules(): Promise<ProviderModule[]> {
    return Promise.all([...this.#entries.values()].map((load) => load()));
  }

  /** @throws OmsmError OMSM_ERR_CONFIG_PROVIDER when no module is registered under the name. */
  async open(config: ProviderConfig, options: OpenProviderOptions = {}): Promise<SecretsProvider> {
    return (await this.moduleFor(config)).open(config, options);
  }
}

/** A registry holding core's providers (db, in-memory). */
export function coreProviderRegistry(): ProviderRegistry {
  return new ProviderRegistry().register(dbModule).register(inMemoryModule);
}
