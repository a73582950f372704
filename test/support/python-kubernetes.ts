/**
 * Whether the official Python client (Debian's python3-kubernetes under /usr/bin/python3) can run
 * here. Tests that need it skip with a notice on a developer machine without it; with CI=true
 * (where `.ci/run` installs it) its absence fails the run instead of silently skipping.
 */
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/** `false` when the client is available, else the skip reason for `test(..., { skip })`. */
export function pythonKubernetesSkip(): string | false {
  const probe = spawnSync(PYTHON, ['-c', 'import kubernetes'], { stdio: 'ignore' });
  if (probe.status === 0) return false;
  const why = `${PYTHON} with python3-kubernetes not found (apt-get install python3-kubernetes)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${why}`);
  process.stderr.write(`NOTICE: ${why}; Python client tests skipped\n`);
  return why;
}
