/**
 * @module cli/commands/doctor
 *
 * `omsm doctor -c FILE`: checks config, Kubernetes reachability, identity, RBAC verbs, namespaces
 * and the Fernet key from where it runs. Exit 0 when every check passes, 3 when one fails, 2 when
 * the config itself is invalid.
 */
import type { Command } from 'commander';
import { omsmError } from '../../core/errors.js';
import { DEFAULT_CONFIG_PATH } from '../../core/paths.js';
import { loadConnection } from '../../ingestion/loaders/registry.js';
import { runDoctor } from '../../ops/doctor/run-doctor.js';
import { renderDoctorJson, renderDoctorText } from '../../ops/doctor/render-doctor.js';
import { CliExit } from '../exit.js';
import { addConfigOption } from '../load-config.js';
import { addOutputOption, type OutputOptions, outputFormat } from '../output-format.js';

const FORMATS = ['text', 'json'] as const;

export interface DoctorCommandOptions extends OutputOptions {
  readonly config?: string;
  readonly role?: string;
  readonly ingestion?: boolean;
  readonly withList?: boolean;
  readonly workflow?: string;
  readonly kubeconfig?: string;
}

/** Runs the checks, prints the report, and exits with its code. @throws CliExit, OmsmError USAGE. */
export async function doctor(opts: DoctorCommandOptions): Promise<void> {
  const role = opts.ingestion ? 'ingestion' : (opts.role ?? 'server');
  if (role !== 'server' && role !== 'ingestion') {
    throw omsmError('OMSM_ERR_USAGE', `--role must be server or ingestion, not "${role.slice(0, 40)}"`, {
      path: '--role',
    });
  }
  const output = outputFormat(opts, FORMATS);
  const report = await runDoctor({
    configPath: opts.config ?? DEFAULT_CONFIG_PATH,
    role,
    withList: opts.withList === true,
    ...(opts.workflow ? { workflowPath: opts.workflow } : {}),
    ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
    loadIngestionConnection: loadConnection,
  });
  process.stdout.write(output === 'json' ? renderDoctorJson(report) : renderDoctorText(report));
  if (report.exitCode !== 0) throw new CliExit(report.exitCode);
}

export function register(program: Command): void {
  const cmd = addConfigOption(
    program
      .command('doctor')
      .description('Check config, Kubernetes access, identity, RBAC verbs, namespaces and the Fernet key'),
  )
    .option(
      '--role <role>',
      'whose verbs to check: server (create/get/update/delete) or ingestion (get)',
      'server',
    )
    .option('--ingestion', 'same as --role ingestion')
    .option('--with-list', 'also check list (needed by `omsm secrets orphans`)')
    .option('--workflow <file>', 'a workflow YAML: compare the namespace ingestion would use with the server')
    .option('--kubeconfig <path>', 'check this kubeconfig identity instead of the configured connection')
    .addHelpText(
      'after',
      `
Exit codes:
  0  every check passed (warnings allowed)
  2  the config is invalid (nothing else was checked)
  3  a check failed (each failing line says how to fix it)`,
    )
    .action(async (opts: DoctorCommandOptions) => doctor(opts));
  addOutputOption(cmd, FORMATS);
}
