/**
 * @module core/providers/core-modules
 *
 * Core's two provider modules. `db` keeps each value inside its stored form (a Fernet token in
 * the entity row), so it has nothing to reach, list or inspect; `in-memory` keeps values in the
 * process (tests, the embedded demo without a cluster). Two configs of either reach the same store.
 */
import { createDbProvider } from './db-provider.js';
import { createInMemoryProvider } from './in-memory-provider.js';
import type { ProviderModule } from './module.js';

export const dbModule: ProviderModule = {
  name: 'db',
  inline: true,
  fernetKey: 'stores',
  open: async (config, options) =>
    createDbProvider({ fernetKey: config.fernetConfiguration.fernetKey, readOnly: options.readOnly }),
  describe: () => 'db (Fernet in the database)',
  sameStore: async () => 'are the same',
};

export const inMemoryModule: ProviderModule = {
  name: 'in-memory',
  inline: false,
  open: async (_config, options) =>
    createInMemoryProvider({ store: options.inMemoryStore, readOnly: options.readOnly }),
  describe: () => 'in-memory',
  sameStore: async () => 'are the same',
};
