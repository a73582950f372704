/**
 * @module cli/exit
 *
 * How a command asks for a non-zero exit without an error message of its own (a check that found
 * problems, a partial migration). Only `cli/main.ts` calls `process.exit`.
 *
 * Exit codes: 0 success; 1 runtime failure; 2 usage or config error (nothing changed);
 * 3 a check found problems or a job finished partially (see each command's --help).
 */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  runtime failure (see the error code and its fix)
  2  usage or configuration error; nothing was changed
  3  a check found problems, or a job finished partially`;
