/**
 * @module cli/commands/secret-name
 *
 * `omsm secret-name PART... [-c FILE]`: prints the Kubernetes Secret name omsm uses for a secret
 * id, under the configured prefix and clusterName, e.g. `omsm secret-name database myservice
 * password` prints `openmetadata-database-myservice-password`. `--id` also prints the logical id.
 * A part that cleans to nothing is a usage error (exit 2).
 */
import type { Command } from 'commander';
import { secretId } from '../../core/naming/secret-name.js';
import { addConfigOption, type ConfigOptions, loadCliConfig } from '../load-config.js';

interface SecretNameOptions extends ConfigOptions {
  readonly id?: boolean;
}

/** The line(s) `omsm secret-name` prints. */
export function secretNameOutput(parts: readonly string[], opts: SecretNameOptions): string {
  const config = loadCliConfig(opts);
  const sid = secretId(
    { prefix: config.secretsManagerConfiguration.prefix, clusterName: config.clusterName },
    parts,
  );
  return opts.id ? `${sid.name}\t${sid.id}\n` : `${sid.name}\n`;
}

export function register(program: Command): void {
  addConfigOption(
    program
      .command('secret-name')
      .description('Print the Kubernetes Secret name for a secret id (parts under prefix and clusterName)')
      .argument('<part...>', 'id parts, e.g. database myservice password')
      .option('--id', 'also print the logical id (tab-separated)'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  $ omsm secret-name database myservice password\n  openmetadata-database-myservice-password\n\nExit codes:\n  0  printed\n  2  a part has no letters or digits, or the config is invalid\n',
    )
    .action((parts: string[], opts: SecretNameOptions) => {
      process.stdout.write(secretNameOutput(parts, opts));
    });
}
