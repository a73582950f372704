/**
 * @module cli/output-format
 *
 * The one convention for machine-readable output, as kubectl has it: `-o, --output <format>` on
 * every command that reports, `text` (or `yaml` where the output is YAML) by default, `json` for
 * scripts. `-o` means the output format in every omsm command and nothing else. The JSON each
 * command prints is documented in docs/cli-output.md (and checked by test/cli-output.test.ts).
 */
import { type Command, Option } from 'commander';
import { omsmError } from '../core/errors.js';

export type OutputFormat = 'text' | 'yaml' | 'json';

/** What `addOutputOption` leaves in a command's options. */
export interface OutputOptions {
  readonly output?: string;
  /** `--json`, kept where it existed before `-o` (migrate-secrets). */
  readonly json?: boolean;
}

/**
 * Adds `-o, --output <format>` (the first of `formats` is the default); with `jsonAlias`, also
 * `--json` as the short-hand for `-o json`.
 */
export function addOutputOption<T extends Command>(
  cmd: T,
  formats: readonly [OutputFormat, ...OutputFormat[]],
  options: { readonly jsonAlias?: boolean } = {},
): T {
  cmd.addOption(
    new Option('-o, --output <format>', `output format: ${formats.join(' or ')}`).default(formats[0]),
  );
  if (options.jsonAlias) cmd.option('--json', 'same as -o json');
  return cmd;
}

/**
 * The format the user asked for.
 * @throws OmsmError OMSM_ERR_USAGE for a format the command does not print, or `--json` with
 *   another `-o`.
 */
export function outputFormat(
  opts: OutputOptions,
  formats: readonly [OutputFormat, ...OutputFormat[]],
): OutputFormat {
  const given = (opts.output ?? formats[0]).toLowerCase();
  if (opts.json) {
    if (given !== 'json' && given !== formats[0]) {
      throw omsmError('OMSM_ERR_USAGE', `--json and -o ${given.slice(0, 20)} contradict; give one of them`, {
        path: '--output',
      });
    }
    return 'json';
  }
  const found = formats.find((f) => f === given);
  if (!found) {
    throw omsmError(
      'OMSM_ERR_USAGE',
      `-o/--output must be ${formats.join(' or ')}, not "${given.slice(0, 40)}"`,
      { path: '--output' },
    );
  }
  return found;
}
