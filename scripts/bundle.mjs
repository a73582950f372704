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
import { builtinModules } from 'node:module';
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

/**
 * client-node's index re-exports everything it has (exec, attach, port-forward, cp, watch, the
 * auth plugins and their libraries), and its package.json does not say its modules are free of
 * side effects, so esbuild keeps all of them. They are: each module only declares classes and
 * functions. Marked so, only what omsm imports (KubeConfig, the API classes, the serializer)
 * and what those import stay in the bundle.
 */
const CLIENT_NODE = /[\\/]node_modules[\\/]@kubernetes[\\/]client-node[\\/]/;
const clientNodeWithoutSideEffects = {
  name: 'client-node-without-side-effects',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === clientNodeWithoutSideEffects) return undefined;
      if (args.path !== '@kubernetes/client-node' && !CLIENT_NODE.test(args.importer)) return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: clientNodeWithoutSideEffects,
      });
      if (r.errors.length > 0 || !CLIENT_NODE.test(r.path)) return r;
      return { ...r, sideEffects: false };
    });
  },
};

/**
 * An ES module's `import … from 'node:http'` makes Node build an ESM facade of the built-in,
 * which reads every export once; on Node 22+ `http`'s lazy `WebSocket`/`EventSource` getters then
 * load undici (≈ 30 ms of every start, for nothing omsm uses). Built-ins are taken through
 * `require` instead (the banner's createRequire, as bundled CommonJS code already does): named
 * imports become property reads at the point of use, and nothing is read that is not used.
 */
const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(b) {
    const builtins = new Set(builtinModules);
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      if (args.namespace === 'omsm-builtin') return { path: args.path, external: true };
      const bare = args.path.replace(/^node:/, '');
      if (!builtins.has(bare) || args.kind !== 'import-statement') return undefined;
      return { path: `node:${bare}`, namespace: 'omsm-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'omsm-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Two more start-up costs of client-node that a cluster without a `proxy-url` never uses:
 * - its config module imports socks-proxy-agent (with socks and ip-address, ≈ 10 ms to evaluate)
 *   only to construct one for a `socks5://` proxy. Here the import is a class that loads the real
 *   one on first construction (client-node only ever calls `new SocksProxyAgent(...)`).
 * - node-fetch and debug try `require('encoding')` and `require('supports-color')`, optional
 *   packages omsm does not install; each failed lookup walks node_modules up to the root. Here they
 *   fail at once, the same way (MODULE_NOT_FOUND, which both catch).
 */
const onlyWhenUsed = {
  name: 'client-node-extras-only-when-used',
  setup(b) {
    b.onResolve({ filter: /^socks-proxy-agent$/ }, (args) =>
      args.namespace === 'file' && CLIENT_NODE.test(args.importer)
        ? { path: args.importer, namespace: 'omsm-lazy-socks' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'omsm-lazy-socks' }, (args) => ({
      contents: `export class SocksProxyAgent {
        constructor(...args) {
          const { SocksProxyAgent: Agent } = require('socks-proxy-agent');
          return new Agent(...args);
        }
      }`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
    b.onResolve({ filter: /^(encoding|supports-color)$/ }, (args) => ({
      path: args.path,
      namespace: 'omsm-not-installed',
    }));
    b.onLoad({ filter: /.*/, namespace: 'omsm-not-installed' }, (args) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}'`)}), { code: 'MODULE_NOT_FOUND' });`,
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
  plugins: [tscLocation, noWhatwgUrl, clientNodeWithoutSideEffects, builtinsThroughRequire, onlyWhenUsed],
  metafile: true,
});
// Which source and dependency module went into which chunk: test/serve-loads.test.ts reads it to
// tell what a command loaded, and size work reads it too. Not shipped (package.json `files`).
await writeFile(
  process.env.OMSM_BUNDLE_META ?? join(ROOT, 'dist', 'bundle.meta.json'),
  JSON.stringify(result.metafile),
);
