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
import { register as registerConfig } from './commands/config.js';
import { register as registerSecretName } from './commands/secret-name.js';
import { register as registerSecrets } from './commands/secrets.js';
import { register as registerEmulator } from './commands/kube-emulator.js';
import { register as registerServe } from './commands/serve.js';
import { register as registerToken } from './commands/token.js';
import { register as registerIngestion } from './commands/ingestion.js';
import { register as registerMigrate } from './commands/migrate-secrets.js';
import { register as registerRbac } from './commands/rbac.js';
import { register as registerDoctor } from './commands/doctor.js';

export function buildProgram(): Command {
  const program = new Command('omsm')
    .description('Secrets manager for OpenMetadata-style platforms, backed by Kubernetes Secrets')
    .version(version, '-V, --version')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(run with --help for usage)');
  for (const register of [
    registerConfig,
    registerSecretName,
    registerSecrets,
    registerEmulator,
    registerServe,
    registerToken,
    registerIngestion,
    registerMigrate,
    registerRbac,
    registerDoctor,
  ]) {
    register(program);
  }
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
    await buildProgram().parseAsync(argv);
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
