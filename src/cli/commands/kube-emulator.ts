/**
 * @module cli/commands/kube-emulator
 *
 * `omsm kube-emulator`: runs the local Kubernetes API emulator in the foreground, prints its URL
 * and the admin kubeconfig, and stops cleanly on SIGINT/SIGTERM (the action resolves; main exits).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { startEmulator } from '../../emulator/index.js';

function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port 0..65535');
  return n;
}

export function register(program: Command): void {
  program
    .command('kube-emulator')
    .description('Run a local Kubernetes API (v1.32 on the wire) for development and tests')
    .option('--port <n>', 'TCP port on 127.0.0.1 (0 = any free port)', portArg, 0)
    .option('--dir <dir>', 'directory for the CA, certificates and kubeconfigs (default: a temp dir)')
    .option(
      '--state <file>',
      'JSON state file: loaded at start, written on change (keeps objects, tokens, CA)',
    )
    .option('--audit <file>', 'append one JSON line per request (user, verb, resource, name, code)')
    .option('--namespace <ns...>', 'extra namespaces to create at start')
    .action(
      async (opts: { port: number; dir?: string; state?: string; audit?: string; namespace?: string[] }) => {
        const emu = await startEmulator({
          port: opts.port,
          dir: opts.dir,
          stateFile: opts.state,
          auditFile: opts.audit,
          namespaces: opts.namespace,
        });
        process.stdout.write(
          `kube-emulator listening on ${emu.url}\n` +
            `admin kubeconfig: ${emu.kubeconfigPath}\n` +
            `export KUBECONFIG=${emu.kubeconfigPath}\n` +
            'press Ctrl-C to stop\n',
        );
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        await emu.close();
        process.stdout.write('kube-emulator stopped\n');
      },
    );
}
