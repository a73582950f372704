/**
 * @module cli/commands/config
 *
 * `omsm config check -c FILE`: validates a configuration and prints the effective config (after
 * substitution and defaults) as YAML with every secret masked. Exit 0 when valid, 2 when not
 * (the error lists every problem with its key path and fix).
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { maskedConfig } from '../../core/config/load-config.js';
import { addConfigOption, type ConfigOptions, loadCliConfig } from '../load-config.js';
import { addOutputOption, type OutputOptions, outputFormat } from '../output-format.js';

const FORMATS = ['yaml', 'json'] as const;

interface CheckOptions extends ConfigOptions, OutputOptions {
  readonly quiet?: boolean;
}

/** Validates and renders the effective config; returns the text to print. */
export function configCheck(opts: CheckOptions): string {
  const format = outputFormat(opts, FORMATS);
  const masked = maskedConfig(loadCliConfig(opts));
  return format === 'json' ? `${JSON.stringify(masked, null, 2)}\n` : stringify(masked);
}

export function register(program: Command): void {
  const config = program.command('config').description('Inspect and validate the configuration');
  addConfigOption(
    addOutputOption(
      config
        .command('check')
        .description('Validate the config and print the effective values, secrets masked'),
      FORMATS,
    ).option('-q, --quiet', 'print nothing when the config is valid'),
  )
    .addHelpText(
      'after',
      '\nExit codes:\n  0  the config is valid\n  2  the config is invalid (every problem is listed)',
    )
    .action((opts: CheckOptions) => {
      const text = configCheck(opts);
      if (!opts.quiet) process.stdout.write(text);
    });
}
