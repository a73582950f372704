/**
 * @module cli/main
 *
 * The `omsm` binary: builds the command tree (each command lives in `commands/<verb>.ts` and
 * registers itself), runs it, and turns what comes out into an exit code. This is the only place
 * that calls `process.exit`.
 */
import { Command, CommanderError } from 'commander';
import { asOmsmError } from '../core/errors.js';
import { version } from './version.js';
import { CliExit, EXIT_CODES_HELP } from './exit.js';
type Register = (program: Command) => void;

/**
 * Each top-level command and the module that registers it. Modules are imported lazily: running
 * `omsm secret-name` loads the naming code, not the HTTP server, SQL drivers and Kubernetes client
 * (changesets' "thin parser, lazy commands"). Root help and unknown commands load them all.
 */
const COMMANDS: Readonly<Record<string, () => Promise<{ register: Register }>>> = {
  config: () => import('./commands/config.js'),
  'secret-name': () => import('./commands/secret-name.js'),
  secrets: () => import('./commands/secrets.js'),
  'kube-emulator': () => import('./commands/kube-emulator.js'),
  serve: () => import('./commands/serve.js'),
  token: () => import('./commands/token.js'),
  ingestion: () => import('./commands/ingestion.js'),
  'migrate-secrets': () => import('./commands/migrate-secrets.js'),
  rbac: () => import('./commands/rbac.js'),
  doctor: () => import('./commands/doctor.js'),
};

/** The command tree for `argv`: only the named top-level command, or every one when none is named. */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('omsm')
    .description('Secrets manager for OpenMetadata-style platforms, backed by Kubernetes Secrets')
    .version(version, '-V, --version')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(run with --help for usage)');
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  const args = argv.slice(2);
  const onlyVersion = first === undefined && args.some((a) => a === '-V' || a === '--version');
  const names = first !== undefined && first in COMMANDS ? [first] : onlyVersion ? [] : Object.keys(COMMANDS);
  const modules = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const m of modules) m.register(program);
  // Every level answers --help and --version, and reports usage errors instead of exiting itself.
  const walk = (cmd: Command): void => {
    cmd.exitOverride();
    if (cmd !== program) cmd.version(version, '-V, --version');
    for (const sub of cmd.commands) walk(sub);
  };
  walk(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CliExit) return err.exitCode;
    if (err instanceof CommanderError) {
      // --help and --version end in a CommanderError with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    const known = asOmsmError(err);
    if (known) {
      process.stderr.write(`error ${known.code}: ${known.message}\n  fix: ${known.fix}\n`);
      return known.exitCode;
    }
    // Unknown errors may carry library text with headers; print only the class and a hint.
    const name = err instanceof Error ? err.name : typeof err;
    process.stderr.write(
      `error OMSM_ERR_INTERNAL: unexpected ${name} (rerun with OMSM_DEBUG=1 for the stack)\n`,
    );
    if (process.env.OMSM_DEBUG === '1' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

// Long-running commands (serve, kube-emulator) resolve only once they have shut down, so exiting
// here never cuts one short; it does stop stray keep-alive sockets from holding a one-shot command.
// stdout and stderr are synchronous for files and pipes on Linux, so nothing printed is lost.
process.exit(await main(process.argv));
