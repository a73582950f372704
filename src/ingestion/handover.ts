/**
 * @module ingestion/handover
 *
 * Getting a resolved workflow config (plain secrets) to the program that runs it, with as little
 * exposure as possible:
 *
 * - `writePrivateFile`: a new file opened with O_CREAT|O_EXCL and mode 0600 (fchmod again in case
 *   of an odd umask) next to the target, written, then renamed over it. The target therefore never
 *   exists with wider permissions or half-written, and an existing file is replaced atomically.
 * - `runWithPrivateFile`: a fresh 0700 directory (in $XDG_RUNTIME_DIR, a per-user tmpfs, when
 *   there is one; else the system temp dir) holding one 0600 file, handed to a child process as
 *   `OMSM_WORKFLOW_CONFIG=<path>` and in place of every argument that is exactly `{}` (as
 *   `find -exec`). The directory is removed when the child ends, whatever the outcome, and when
 *   omsm is told to stop (SIGTERM, SIGHUP, SIGQUIT, and SIGINT) — signals are passed to the child
 *   first and omsm waits for it. Only SIGKILL of omsm itself can leave the file behind.
 *
 * A temp file rather than a pipe or file descriptor: ingestion frameworks open the config by path
 * (`metadata ingest -c FILE`), and `/dev/fd/N` breaks programs that reopen or stat the path.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  closeSync,
  fchmodSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `content` to `path` as a 0600 file, atomically (temp file + rename).
 * @throws the filesystem error (ENOENT for a missing directory, EACCES...).
 */
export function writePrivateFile(path: string, content: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  let written = false;
  try {
    fchmodSync(fd, 0o600);
    writeFileSync(fd, content); // loops until every byte is written
    written = true;
  } finally {
    closeSync(fd);
    if (!written) unlinkSync(tmp);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    unlinkSync(tmp);
    throw err;
  }
}

/** Where handover files go: the per-user runtime dir when usable, else the temp dir. */
export function handoverBaseDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime) {
    try {
      accessSync(runtime, constants.W_OK | constants.X_OK);
      return runtime;
    } catch {
      // not usable: fall back
    }
  }
  return tmpdir();
}

export interface RunOptions {
  /** File name inside the private directory (keeps the extension meaningful to the child). */
  readonly fileName: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called with the path once written (tests). */
  readonly onFile?: (path: string) => void;
}

/** Exit status of the child: its code, or 128 + the signal number when a signal ended it. */
export interface ChildOutcome {
  readonly exitCode: number;
  readonly signal?: NodeJS.Signals;
}

const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGINT'];

/**
 * Runs `command args...` with `content` in a private temp file, then removes it.
 * @throws a spawn error (ENOENT: command not found) after removing the file.
 */
export async function runWithPrivateFile(
  content: string,
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<ChildOutcome> {
  const dir = mkdtempSync(join(handoverBaseDir(options.env), 'omsm-workflow-'));
  const handlers = new Map<NodeJS.Signals, () => void>();
  try {
    const file = join(dir, options.fileName);
    writePrivateFile(file, content);
    options.onFile?.(file);
    const child = spawn(
      command,
      args.map((a) => (a === '{}' ? file : a)),
      {
        stdio: 'inherit',
        env: { ...(options.env ?? process.env), OMSM_WORKFLOW_CONFIG: file },
      },
    );
    for (const sig of FORWARDED) {
      // Ctrl-C on a terminal already reaches the child (same process group): pass SIGINT on only
      // when there is no terminal, so the child does not get it twice.
      const handler = () => {
        if (sig !== 'SIGINT' || !process.stdin.isTTY) child.kill(sig);
      };
      handlers.set(sig, handler);
      process.on(sig, handler);
    }
    return await new Promise<ChildOutcome>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        if (signal) resolve({ exitCode: 128 + (osConstants.signals[signal] ?? 0), signal });
        else resolve({ exitCode: code ?? 1 });
      });
    });
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
    rmSync(dir, { recursive: true, force: true });
  }
}
