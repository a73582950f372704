/**
 * @module test/support/spawn
 * The one spawn-and-collect helper of the tests: runs a process, feeds it stdin, collects stdout
 * and stderr, and resolves with its exit. Always asynchronous: the kube-emulator and servers of a
 * test answer from the test's own event loop, which a spawnSync would block (a deadlock). A
 * process that outlives `timeoutMs` is killed and the run resolves with `timedOut` set, so the
 * test's assertion on the exit code shows what it printed.
 */
import { spawn } from 'node:child_process';
import { scanOutput } from './leak-guard.js';

export interface RunResult {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface RunOptions {
  /** Added to this process's environment (a key set to undefined is removed). */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Written to stdin, which is then closed (default: closed at once). */
  readonly input?: string;
  /** Default 60 s. */
  readonly timeoutMs?: number;
  /**
   * What the leak guard scans (test/support/leak-guard.ts), under this label. Default: both
   * streams, labelled by the command. `stderr` for commands meant to print a value on stdout.
   */
  readonly scan?: 'both' | 'stderr' | 'none';
  readonly label?: string;
}

export async function run(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const p = start(command, args, { ...options, stdin: 'pipe' });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    p.child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  // A child that exits before reading its stdin must not fail the run.
  p.child.stdin?.on('error', () => {});
  p.child.stdin?.end(options.input ?? '');
  try {
    const { code, signal } = await p.ended;
    return { code, signal, ...p.output(), timedOut };
  } finally {
    clearTimeout(timer);
  }
}

export interface Started {
  readonly child: ReturnType<typeof spawn>;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
  /** Stdout so far once `pattern` matches it; rejects with the output when the process exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Its exit code (null after a signal), once it ended; the output is scanned by the leak guard then. */
  readonly exited: Promise<number | null>;
  /** Exit code and signal; rejects when the process could not be started. */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a long-running process (a server, kube-emulator) and collects its output while it runs.
 * The caller stops it (`child.kill`), usually in `t.after`.
 */
export function start(
  command: string,
  args: readonly string[],
  options: Omit<RunOptions, 'input' | 'timeoutMs'> & { readonly stdin?: 'pipe' | 'ignore' } = {},
): Started {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const label = options.label ?? `${command} ${args.slice(0, 3).join(' ')}`;
      const scan = options.scan ?? 'both';
      if (scan === 'both') scanOutput(`${label} stdout`, stdout);
      if (scan !== 'none') scanOutput(`${label} stderr`, stderr);
      resolve({ code, signal });
    });
  });
  const exited = ended.then(
    (e) => e.code,
    () => null,
  );
  return {
    child,
    exited,
    ended,
    output: () => ({ stdout, stderr }),
    async waitFor(pattern, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > until) {
          throw new Error(
            `${command} did not print ${pattern} (exit ${child.exitCode}):\n${stdout}\n${stderr}`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return stdout;
    },
  };
}
