/**
 * @module cli/commands/migrate-secrets
 *
 * `omsm migrate-secrets -c FILE`: moves every secret of services, bot users, ingestion pipelines and
 * automation workflows from the source provider (default `db`, upstream's only case) to the
 * configured one, rewriting each field to the target's stored form. Safe to re-run; `--dry-run`
 * prints the plan. Progress on stderr, report on stdout.
 */
import type { Command } from 'commander';
import { omsmError } from '../../core/errors.js';
import { DEFAULT_CONFIG_PATH } from '../../core/paths.js';
import { loadOpsConfig } from '../../ops/config-file.js';
import { openMigration, sourceConfig } from '../../ops/migrate/open-migration.js';
import { createProgress } from '../../ops/migrate/progress.js';
import { planLine, renderReportText, reportJson } from '../../ops/migrate/render-report.js';
import { nonDurableTarget, runMigration } from '../../ops/migrate/run-migration.js';
import { renderVerifyText, verifyMigration } from '../../ops/migrate/verify.js';
import { CliExit } from '../exit.js';
import { addConfigOption } from '../load-config.js';
import { addOutputOption, type OutputOptions, outputFormat } from '../output-format.js';

const FORMATS = ['text', 'json'] as const;

export interface MigrateCommandOptions extends OutputOptions {
  readonly config?: string;
  readonly fromConfig?: string;
  readonly fromProvider?: string;
  readonly fromNamespace?: string;
  readonly fromKubeconfig?: string;
  readonly dryRun?: boolean;
  readonly deleteSource?: boolean;
  readonly concurrency?: string;
  readonly rate?: string;
  readonly progress?: boolean;
  readonly verify?: boolean;
}

function intOption(raw: string | undefined, name: string, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw omsmError('OMSM_ERR_USAGE', `${name} must be an integer >= ${min}`, { path: name });
  }
  return n;
}

/** Runs the command. @throws CliExit (1, 3) for failed/partial runs; OmsmError for config/usage. */
export async function migrateSecrets(opts: MigrateCommandOptions): Promise<void> {
  const output = outputFormat(opts, FORMATS);
  const concurrency = intOption(opts.concurrency, '--concurrency', 32, 1);
  const rate = intOption(opts.rate, '--rate', 500, 0);
  if (opts.dryRun && opts.deleteSource) {
    throw omsmError('OMSM_ERR_USAGE', '--delete-source does nothing with --dry-run; drop one of them', {
      path: '--delete-source',
    });
  }
  const target = await loadOpsConfig(opts.config ?? DEFAULT_CONFIG_PATH);
  const source = sourceConfig(target, opts);
  const m = await openMigration(target, source, {
    deleteSource: opts.deleteSource === true,
    dryRun: opts.dryRun === true,
  });
  const out = process.stdout;
  let first = true;
  try {
    // A target that forgets everything on exit is refused before anything is written (runMigration
    // checks it too); a dry run only plans, so it says what apply would do and carries on.
    const refused = nonDurableTarget(m.target, m.plan.target.label);
    if (refused && !opts.dryRun) throw refused;
    if (output === 'json' && opts.dryRun) out.write('{"plan":[\n');
    const report = await runMigration({
      holders: m.holders,
      source: m.source,
      target: m.target,
      plan: m.plan,
      dryRun: opts.dryRun === true,
      deleteSource: opts.deleteSource === true,
      concurrency,
      rate,
      ...(m.inspector ? { inspector: m.inspector } : {}),
      onPlanItem: (item) => {
        if (output === 'json') {
          out.write(`${first ? '' : ',\n'}${JSON.stringify(item)}`);
          first = false;
        } else out.write(`${planLine(item)}\n`);
      },
      ...(opts.progress === false
        ? {}
        : {
            progress: createProgress({
              label: opts.dryRun ? 'plan' : 'migrate-secrets',
              dryRun: opts.dryRun === true,
            }),
          }),
    });
    const verify =
      opts.verify && !opts.dryRun
        ? await verifyMigration(m.holders, m.target, m.plan, concurrency)
        : undefined;
    if (output === 'json') {
      const body = verify ? { ...reportJson(report), verify } : reportJson(report);
      out.write(opts.dryRun ? `\n],"report":${JSON.stringify(body)}}\n` : `${JSON.stringify(body)}\n`);
    } else {
      out.write(renderReportText(report, refused ? { applyRefused: refused.code } : {}));
      if (verify) out.write(renderVerifyText(verify));
    }
    if (refused) process.stderr.write(`warning ${refused.code}: ${refused.message}\n  fix: ${refused.fix}\n`);
    const exit = report.exitCode === 0 && verify && verify.problems.length > 0 ? 3 : report.exitCode;
    if (exit !== 0) throw new CliExit(exit);
  } finally {
    await m.close();
  }
}

export function register(program: Command): void {
  const cmd = addConfigOption(
    program
      .command('migrate-secrets')
      .description(
        'Move every secret from the source provider (default db) to the configured one, rewriting references',
      ),
  )
    .option('--from-config <file>', 'a second config naming the source provider/namespace/cluster')
    .option(
      '--from-provider <name>',
      'source provider: db, kubernetes or in-memory (default db; kubernetes with --from-namespace/--from-kubeconfig)',
    )
    .option('--from-namespace <ns>', 'source Kubernetes namespace (default: the target namespace)')
    .option('--from-kubeconfig <path>', 'kubeconfig of the source cluster')
    .option('--dry-run', 'print the plan (with conflicts) and change nothing')
    .option(
      '--delete-source',
      'delete each source secret after its copy is verified and the reference rewritten',
    )
    .option('--concurrency <n>', 'entities worked on at once', '32')
    .option('--rate <n>', 'target writes per second (0: unlimited)', '500')
    .option(
      '--verify',
      'after applying, re-read every field: in the target form and resolvable (exit 3 if not)',
    )
    .option('--no-progress', 'no progress on stderr')
    .addHelpText(
      'after',
      `
Examples:
  omsm migrate-secrets -c conf/openmetadata.yaml --dry-run        # db -> the configured provider
  omsm migrate-secrets -c conf/openmetadata.yaml
  omsm migrate-secrets -c new.yaml --from-provider kubernetes --from-namespace old-ns
  omsm migrate-secrets -c db.yaml --from-config k8s.yaml          # kubernetes -> db

Each field: write the target, read it back and compare, then rewrite the database field only if
it still holds the old stored form. Interrupted runs are finished by running again.

Exit codes:
  0  every secret is in the target (or the plan has no conflicts)
  1  nothing could be migrated (or a fatal error, e.g. the database is unreachable)
  2  usage or configuration error, or a target that keeps nothing after exit
     (in-memory); nothing was changed
  3  partial: some items failed, conflict, or hold a foreign secret: reference (another
     Secret than the field's own: listed, never carried over); run again after fixing`,
    )
    .action(async (opts: MigrateCommandOptions) => migrateSecrets(opts));
  addOutputOption(cmd, FORMATS, { jsonAlias: true });
}
