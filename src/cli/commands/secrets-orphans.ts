/**
 * @module cli/commands/secrets-orphans
 *
 * `omsm secrets orphans -c FILE [--apply]`: managed Secrets no entity references, and references
 * whose Secret is missing. Needs `list` on Secrets (`omsm rbac --with-list`). Deleting needs
 * `--apply`. Exit 0 when nothing is found (or every orphan was deleted and nothing is missing),
 * 3 when something is left to act on, 1 on errors (e.g. list denied), 2 for bad config.
 */
import type { Command } from 'commander';
import { omsmError } from '../../core/errors.js';
import { DEFAULT_CONFIG_PATH } from '../../core/paths.js';
import { loadOpsConfig } from '../../ops/config-file.js';
import { renderOrphansText, runOrphans } from '../../ops/orphans/run-orphans.js';
import { CliExit } from '../exit.js';
import { addConfigOption } from '../load-config.js';
import { addOutputOption, type OutputOptions, outputFormat } from '../output-format.js';

const FORMATS = ['text', 'json'] as const;

export interface OrphansCommandOptions extends OutputOptions {
  readonly config?: string;
  readonly apply?: boolean;
  readonly minAge?: string;
}

/** @throws CliExit(3) when orphans or missing references remain; OmsmError otherwise. */
export async function secretsOrphans(opts: OrphansCommandOptions): Promise<void> {
  const output = outputFormat(opts, FORMATS);
  const minAge = Number(opts.minAge ?? '600');
  if (!Number.isInteger(minAge) || minAge < 0)
    throw omsmError('OMSM_ERR_USAGE', '--min-age must be a whole number of seconds', { path: '--min-age' });
  const configPath = opts.config ?? DEFAULT_CONFIG_PATH;
  const config = await loadOpsConfig(configPath);
  const report = await runOrphans(config, { configPath, apply: opts.apply === true, minAgeSeconds: minAge });
  process.stdout.write(
    output === 'json' ? `${JSON.stringify(report)}\n` : renderOrphansText(report, opts.apply === true),
  );
  const left = report.orphans.length - report.deleted.length + report.missing.length;
  if (left > 0) throw new CliExit(3);
}

export function registerOrphans(secrets: Command): void {
  const cmd = addConfigOption(
    secrets
      .command('orphans')
      .description('Managed Secrets no entity references, and references whose Secret is missing'),
  )
    .option('--apply', 'delete the orphans (managed by omsm, unreferenced, older than --min-age)')
    .option('--min-age <seconds>', 'ignore Secrets younger than this (a write in progress)', '600')
    .addHelpText(
      'after',
      `
Needs the list verb on Secrets, which omsm's server Role (docs/contract.md#rbac) leaves out (list returns every value):
  omsm rbac -c FILE --with-list | kubectl apply -f -

Exit codes:
  0  nothing to report (or every orphan deleted with --apply and nothing missing)
  1  runtime failure (e.g. list denied: the message names the fix)
  2  usage or configuration error
  3  orphans or missing references found`,
    )
    .action(async (opts: OrphansCommandOptions) => secretsOrphans(opts));
  addOutputOption(cmd, FORMATS);
}
