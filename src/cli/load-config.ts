/**
 * @module cli/load-config
 *
 * The `-c/--config FILE` option every command shares, and loading the config it names (the shipped
 * `conf/openmetadata.yaml` when none is given). Errors are OmsmErrors with exit code 2.
 */
import { type Command, Option } from 'commander';
import { loadConfig } from '../core/config/load-config.js';
import type { OmsmConfig } from '../core/config/config-types.js';

/** The options object a command gets after `addConfigOption`. */
export interface ConfigOptions {
  readonly config?: string;
}

/**
 * Adds `-c, --config FILE` to a command (env `OMSM_CONFIG` as the default).
 * @example addConfigOption(program.command('check')).action(async (opts) => { const config = loadCliConfig(opts); });
 */
export function addConfigOption<T extends Command>(cmd: T): T {
  cmd.addOption(
    new Option(
      '-c, --config <file>',
      'openmetadata.yaml to read (default: the shipped conf/openmetadata.yaml)',
    ).env('OMSM_CONFIG'),
  );
  return cmd;
}

/**
 * Loads the config named by `opts.config` (or the shipped one), substituting from `env`.
 * @throws OmsmError OMSM_ERR_CONFIG_FILE, OMSM_ERR_CONFIG_UNDEFINED_VAR, OMSM_ERR_CONFIG_INVALID,
 *   OMSM_ERR_CONFIG_PROVIDER, OMSM_ERR_FERNET_KEY (all exit code 2).
 */
export function loadCliConfig(opts: ConfigOptions, env: NodeJS.ProcessEnv = process.env): OmsmConfig {
  return loadConfig({ ...(opts.config ? { path: opts.config } : {}), env });
}
