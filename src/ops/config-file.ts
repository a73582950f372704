/**
 * @module ops/config-file
 *
 * How operations commands read `-c FILE`: through core's loader, so every ops command reports a
 * bad config the same way (exit 2, nothing changed).
 */
import type { OmsmConfig } from '../core/config/config-types.js';
import { loadConfig } from '../core/config/load-config.js';

/**
 * Loads and validates the config at `path` (environment substituted).
 * @throws OmsmError OMSM_ERR_CONFIG_FILE, OMSM_ERR_CONFIG_UNDEFINED_VAR, OMSM_ERR_CONFIG_INVALID,
 *   OMSM_ERR_CONFIG_PROVIDER, OMSM_ERR_FERNET_KEY.
 */
export async function loadOpsConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<OmsmConfig> {
  return loadConfig({ path, env });
}
