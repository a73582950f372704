// Bundles the CLI (src/cli/main.ts and everything it imports, dependencies included) into
// dist/bundle/ for bin/omsm.js: a cold `omsm` then reads a few large files instead of resolving and
// compiling hundreds of small ones (client-node's generated API alone is hundreds of model files;
// bundled, only what omsm uses stays). `splitting` keeps every lazily imported command module a
// separate chunk, so `omsm secret-name` still loads only the naming code. The library entry
// points (`exports`: dist/core/index.js and the rest, with their .d.ts) stay tsc's output.
//
// Kept external (resolved from node_modules at run time): native addons and SQL drivers with
// optional native parts, which cannot or need not be bundled.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist', process.env.OMSM_BUNDLE_DIR ?? 'bundle');
const SRC = join(ROOT, 'src');

/**
 * omsm's own sources find package files relative to where tsc puts them (`new URL('../../package.json',
 * import.meta.url)` in dist/cli/version.js). In the bundle every module lives in dist/bundle/, so
 * each source's `import.meta.url` becomes the URL its tsc output would have: the same relative
 * paths keep working, whatever chunk the code lands in.
 */
const tscLocation = {
  name: 'tsc-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const code = await readFile(args.path, 'utf8');
      if (!code.includes('import.meta.url')) return { contents: code, loader: 'ts' };
      const js = relative(SRC, args.path).replace(/\.ts$/, '.js');
      const rel = relative(OUT, join(ROOT, 'dist', js))
        .split(sep)
        .join('/');
      return {
        contents: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`),
        loader: 'ts',
        resolveDir: dirname(args.path),
      };
    });
  },
};

/**
 * node-fetch 2 (under client-node) imports whatwg-url, and with it tr46's Unicode table (a quarter
 * of a megabyte evaluated at start-up), only for `Url.URL || whatwgUrl.URL`: Node's `url.URL`
 * always exists, so that fallback is dead code. Here it gets Node's own URL instead.
 */
const noWhatwgUrl = {
  name: 'node-fetch-without-whatwg-url',
  setup(b) {
    b.onResolve({ filter: /^whatwg-url$/ }, (args) =>
      /[\\/]node-fetch[\\/]/.test(args.importer) ? { path: 'whatwg-url', namespace: 'omsm-stub' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'omsm-stub' }, () => ({
      contents: 'export default { URL: globalThis.URL };',
      loader: 'js',
    }));
  },
};

// A fresh directory: chunk names carry content hashes, old ones would pile up.
await rm(OUT, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external: ['better-sqlite3', 'pg', 'pg-native', 'mysql2'],
  // Bundled CommonJS dependencies call require() for Node built-ins; an ES module has none.
  banner: {
    js: "import { createRequire as __omsmCreateRequire } from 'node:module'; const require = __omsmCreateRequire(import.meta.url);",
  },
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  // Minified: a third of the bytes to read, decode and pre-parse on every cold start (Node 20 has
  // no compile cache); names kept so errors and stacks (OMSM_DEBUG=1) still name their classes.
  minify: process.env.OMSM_BUNDLE_MINIFY !== '0',
  keepNames: true,
  logLevel: 'warning',
  plugins: [tscLocation, noWhatwgUrl],
  metafile: true,
});
// Which source and dependency module went into which chunk: test/serve-loads.test.ts reads it to
// tell what a command loaded, and size work reads it too. Not shipped (package.json `files`).
await writeFile(
  process.env.OMSM_BUNDLE_META ?? join(ROOT, 'dist', 'bundle.meta.json'),
  JSON.stringify(result.metafile),
);
