// Records every module a process loads, for tests that check what a command never loads.
// Use: node --import ./test/support/record-modules.mjs bin/omsm.js ... with OMSM_RECORD_MODULES
// set to a file. ES modules are recorded as they resolve (a resolve hook, which runs for every
// import whatever loader comes after, tsx included); CommonJS modules (require) are appended from
// the require cache when the process exits. One URL or path a line.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.OMSM_RECORD_MODULES;
if (out) {
  register(new URL('./record-modules-hook.mjs', import.meta.url), { data: { out } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    const paths = Object.keys(require.cache);
    if (paths.length > 0) appendFileSync(out, `${paths.join('\n')}\n`);
  });
}
