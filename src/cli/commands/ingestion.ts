/**
 * @module cli/commands/ingestion
 *
 * `omsm ingestion resolve|exec|check -c WORKFLOW.yaml`: the read-only ingestion runtime. Provider,
 * loader and namespace come from `workflowConfig.openMetadataServerConfig` (flags override); the
 * provider is opened read-only and only ever sends `get`. Values are written only where asked
 * (`--output-file FILE` as a 0600 file, `--stdout`, or a 0600 temp file handed to `exec`'s child),
 * never to logs or errors; `check` never prints a value (`-o json` for scripts).
 *
 * `-o/--output` is the output format in every omsm command. `resolve` once took `-o FILE`; it is
 * refused there now (exit 2, naming `--output-file`) rather than kept, because `-o json` would be
 * a file to an old script and a format to everyone else.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { omsmError } from '../../core/errors.js';
import { runWithPrivateFile, writePrivateFile } from '../../ingestion/handover.js';
import { type OpenedResolver, openResolver } from '../../ingestion/open-resolver.js';
import type { ReferenceStatus } from '../../ingestion/resolver.js';
import { readWorkflowFile, type WorkflowFile } from '../../ingestion/workflow-file.js';
import { readWorkflowSettings } from '../../ingestion/workflow-settings.js';
import { CliExit } from '../exit.js';
import { addOutputOption, type OutputOptions, outputFormat } from '../output-format.js';

export interface IngestionCommonOptions {
  readonly config: string;
  readonly provider?: string;
  readonly loader?: string;
  readonly namespace?: string;
  readonly concurrency?: string;
  readonly timeout?: string;
}

export interface ResolveOptions extends IngestionCommonOptions {
  readonly outputFile?: string;
  /** The old `-o FILE` spelling, only to refuse it with the new one. */
  readonly output?: string;
  readonly stdout?: boolean;
}

const CHECK_FORMATS = ['text', 'json'] as const;

export interface CheckOptions extends IngestionCommonOptions, OutputOptions {}

async function open(
  options: IngestionCommonOptions,
): Promise<{ file: WorkflowFile; opened: OpenedResolver }> {
  const file = readWorkflowFile(options.config);
  const settings = readWorkflowSettings(file.data, {
    provider: options.provider,
    loader: options.loader,
    namespace: options.namespace,
  });
  const opened = await openResolver(settings, {
    concurrency: parseInteger(options.concurrency, '--concurrency', 1, 256),
    requestDeadlineMs: seconds(parseInteger(options.timeout, '--timeout', 1, 3600)),
  });
  for (const w of opened.warnings) process.stderr.write(`warning: ${w}\n`);
  return { file, opened };
}

async function resolvedText(options: IngestionCommonOptions): Promise<{ text: string; file: WorkflowFile }> {
  const { file, opened } = await open(options);
  try {
    const values = await opened.resolver.resolveScan(file.scan);
    return { text: file.render(values), file };
  } finally {
    await opened.resolver.close();
  }
}

/**
 * `omsm ingestion resolve`: writes the resolved config to `--output-file FILE` (0600, atomic) or
 * stdout.
 * @throws OmsmError OMSM_ERR_USAGE without --output-file/--stdout, or for the old `-o FILE`;
 *   OMSM_ERR_SECRET_UNRESOLVED (nothing written).
 */
export async function ingestionResolve(options: ResolveOptions): Promise<void> {
  if (options.output !== undefined) {
    throw omsmError(
      'OMSM_ERR_USAGE',
      `-o/--output is the output format in omsm commands, not a file: write the resolved config with --output-file ${options.output.slice(0, 200)}`,
      { path: '--output' },
    );
  }
  const file = options.outputFile;
  if (!file && !options.stdout) {
    throw omsmError(
      'OMSM_ERR_USAGE',
      'say where the resolved config (plain secrets) goes: --output-file FILE (written with mode 0600) or --stdout',
      { path: '--output-file' },
    );
  }
  if (file && options.stdout) {
    throw omsmError('OMSM_ERR_USAGE', 'give --output-file FILE or --stdout, not both', { path: '--stdout' });
  }
  if (file && sameFile(file, options.config)) {
    // The input keeps references; overwriting it with values would put secrets where none belong.
    throw omsmError(
      'OMSM_ERR_USAGE',
      `--output-file ${file} is the input file; write the resolved config elsewhere`,
      { path: '--output-file' },
    );
  }
  const { text } = await resolvedText(options);
  if (options.stdout) {
    process.stdout.write(text);
    return;
  }
  try {
    writePrivateFile(file!, text);
  } catch (err) {
    throw omsmError(
      'OMSM_ERR_CONFIG_FILE',
      `cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { path: file },
    );
  }
  process.stderr.write(`resolved config written to ${file} (mode 0600)\n`);
}

/**
 * `omsm ingestion exec`: runs `command` with the resolved config in a 0600 temp file.
 * @returns nothing; a non-zero child exit becomes CliExit with the same code (signals: 128+n).
 */
export async function ingestionExec(options: IngestionCommonOptions, command: string[]): Promise<void> {
  const [cmd, ...args] = command;
  if (!cmd) throw omsmError('OMSM_ERR_USAGE', 'give the command to run after --');
  const { text, file } = await resolvedText(options);
  let outcome: Awaited<ReturnType<typeof runWithPrivateFile>>;
  try {
    outcome = await runWithPrivateFile(text, cmd, args, {
      fileName: file.format === 'json' ? 'workflow.json' : 'workflow.yaml',
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    process.stderr.write(`error: cannot run ${cmd} (${code})\n`);
    throw new CliExit(code === 'ENOENT' ? 127 : 126);
  }
  if (outcome.exitCode !== 0) throw new CliExit(outcome.exitCode);
}

/**
 * `omsm ingestion check`: resolves every reference and reports each (found, or why not).
 * @returns the report lines; throws CliExit(3) after printing when any reference failed.
 */
export async function ingestionCheck(options: CheckOptions): Promise<void> {
  const format = outputFormat(options, CHECK_FORMATS);
  const { file, opened } = await open(options);
  let report: ReferenceStatus[];
  try {
    report = await opened.resolver.checkScan(file.scan);
  } finally {
    await opened.resolver.close();
  }
  const failed = report.filter((r) => !r.ok).length;
  const c = opened.connection;
  if (format === 'json') {
    const out = {
      file: file.fileName,
      provider: opened.settings.provider,
      loader: opened.settings.loader,
      namespace: opened.namespace,
      namespaceSource: opened.namespaceSource,
      ...(c ? { inCluster: c.inCluster, kubeconfigPath: c.kubeconfigPath } : {}),
      warnings: opened.warnings,
      references: report.map((r) => ({
        reference: r.reference,
        paths: r.paths,
        found: r.ok,
        ...(r.ok ? {} : { code: r.code, reason: r.reason }),
      })),
      found: report.length - failed,
      failed,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const lines = [
      `${file.fileName}: provider ${opened.settings.provider} (${opened.settings.sources.provider}), loader ${opened.settings.loader} (${opened.settings.sources.loader})`,
      c
        ? `namespace ${opened.namespace} (${opened.namespaceSource}); ${c.inCluster ? 'in-cluster ServiceAccount' : c.kubeconfigPath ? `kubeconfig ${c.kubeconfigPath}` : 'default kubeconfig'}`
        : `${opened.settings.provider} provider: values are inline, there is nothing to fetch`,
      ...report.map(
        (r) =>
          `${r.ok ? 'found ' : 'FAILED'}  ${r.reference}  at ${r.paths.join(', ') || '-'}${r.ok ? '' : `\n        ${r.reason}`}`,
      ),
      report.length === 0
        ? 'no secret: references in this config'
        : `${report.length} reference(s): ${report.length - failed} found, ${failed} failed`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (failed > 0) throw new CliExit(3);
}

function parseInteger(raw: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw omsmError(
      'OMSM_ERR_USAGE',
      `${flag} must be an integer from ${min} to ${max}, got "${raw.slice(0, 20)}"`,
    );
  }
  return n;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

function seconds(n: number | undefined): number | undefined {
  return n === undefined ? undefined : n * 1000;
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('-c, --config <file>', 'workflow config (YAML or JSON) with secret: references')
    .option(
      '--provider <name>',
      'override workflowConfig.openMetadataServerConfig.secretsManagerProvider (db, kubernetes)',
    )
    .option('--loader <name>', 'override ...secretsManagerLoader (noop, airflow, env)')
    .option('--namespace <ns>', 'override the namespace to read Secrets from')
    .option('--concurrency <n>', 'parallel reads at most (default 16)')
    .option('--timeout <seconds>', 'give up on one read after this long, retries included (default 30)');
}

const PRECEDENCE = `
Settings: provider and loader from workflowConfig.openMetadataServerConfig (defaults db and noop);
namespace: --namespace, else secretsManagerNamespace in the workflow (written by omsm's server),
else the loader's (KUBERNETES_NAMESPACE / airflow.cfg), else the pod's namespace file, else default.
Loaders: env (KUBERNETES_*), airflow ([openmetadata_secrets_manager] of airflow.cfg, overridden by
AIRFLOW__OPENMETADATA_SECRETS_MANAGER__*), noop (in-cluster when in a pod, else ~/.kube/config).
Fails closed: an unresolvable reference is an error and nothing is written or run.`;

export function register(program: Command): void {
  const ingestion = program
    .command('ingestion')
    .description('Resolve secret: references in workflow configs, read-only (get on Secrets only)');

  common(ingestion.command('resolve'))
    .description('Write the workflow config with every secret: reference replaced by its value')
    .option('--output-file <file>', 'write here, mode 0600 (replaced atomically)')
    .option('--stdout', 'print the resolved config (plain secrets) on stdout')
    .addOption(new Option('-o, --output <value>', 'refused: use --output-file').hideHelp())
    .addHelpText(
      'after',
      `${PRECEDENCE}

Examples:
  omsm ingestion resolve -c workflow.yaml --output-file /run/ingest/workflow.yaml
  omsm ingestion resolve -c workflow.yaml --stdout --loader env | metadata ingest -c /dev/stdin

Exit codes: 0 written; 1 a reference could not be resolved (nothing written); 2 usage or config.`,
    )
    .action(async (opts: ResolveOptions) => ingestionResolve(opts));

  common(ingestion.command('exec'))
    .description('Run a command with the resolved config in a private temp file, removed afterwards')
    .argument('<command...>', 'command and arguments, after --')
    .addHelpText(
      'after',
      `${PRECEDENCE}

The resolved config is a 0600 file in a fresh 0700 directory ($XDG_RUNTIME_DIR or the temp dir).
Its path is in OMSM_WORKFLOW_CONFIG and replaces every argument that is exactly {}. It is removed
when the command ends, fails, or omsm is stopped by SIGINT/SIGTERM/SIGHUP/SIGQUIT (passed on to
the command).

Examples:
  omsm ingestion exec -c workflow.yaml -- metadata ingest -c {}
  omsm ingestion exec -c workflow.yaml --loader airflow -- python run.py

Exit codes: the command's own; 128+N when a signal N ended it; 1 a reference could not be
resolved (the command is not run); 2 usage or config; 127 command not found.`,
    )
    .action(async (command: string[], opts: IngestionCommonOptions) => ingestionExec(opts, command));

  addOutputOption(
    common(ingestion.command('check')).description(
      'Resolve every reference and report each one: found, or why not (never values)',
    ),
    CHECK_FORMATS,
  )
    .addHelpText(
      'after',
      `${PRECEDENCE}

Exit codes: 0 every reference found; 3 some could not be resolved; 2 usage or config.`,
    )
    .action(async (opts: CheckOptions) => ingestionCheck(opts));
}
