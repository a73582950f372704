/**
 * @module test/support/cli
 * Runs the real `omsm` binary as a child process, the way a user does, and hands everything it
 * printed to the leak guard (unless the command is one meant to print a value, like
 * `omsm secrets get`, in which case stdout is exempt but stderr is still scanned).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scanOutput } from './leak-guard.js';

export const OMSM_BIN = fileURLToPath(new URL('../../bin/omsm.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly input?: string;
  /** stdout carries a secret value by design (`secrets get`, `ingestion resolve --stdout`). */
  readonly stdoutHasSecrets?: boolean;
  readonly timeoutMs?: number;
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OMSM_BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const what = `omsm ${args.slice(0, 3).join(' ')}`;
      if (!options.stdoutHasSecrets) scanOutput(`${what} stdout`, stdout);
      scanOutput(`${what} stderr`, stderr);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
