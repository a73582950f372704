/**
 * @module test/support/cli
 * Runs the real `omsm` binary as a child process (through test/support/spawn.ts), the way a user
 * does, and hands everything it printed to the leak guard (unless the command is one meant to print a value, like
 * `omsm secrets get`, in which case stdout is exempt but stderr is still scanned).
 */
import { fileURLToPath } from 'node:url';
import { run } from './spawn.js';

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
  return run(process.execPath, [OMSM_BIN, ...args], {
    ...options,
    label: `omsm ${args.slice(0, 3).join(' ')}`,
    scan: options.stdoutHasSecrets ? 'stderr' : 'both',
  });
}
