/**
 * @module test/support/layering
 *
 * The checker behind test/layering.test.ts: reads every product file under a `src/` tree, finds
 * what it imports, and reports each import ARCHITECTURE.md's table forbids. An import is a static
 * `import`/`export ... from` (including `import type`), a dynamic `import('...')`, `require('...')`,
 * or a dynamic import of a string constant declared in the same file (`const M = '...'; import(M)`).
 * Test code (`*.test.ts`, `*.case.ts` and test-support files) is not a layer and is not checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One import as written and where it points: `src/...` for relative ones, else the package. */
export interface FoundImport {
  readonly file: string;
  readonly spec: string;
  /** Path relative to src (e.g. `core/errors.ts`, `providers.ts`) or the package name. */
  readonly target: string;
  readonly relative: boolean;
}

const TEST_CODE =
  /(\.test\.ts|\.case\.ts|\.test-support\.ts|test-helpers\.ts)$|[/\\](test-support|testing)[/\\]/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every specifier a source text imports, by any of the forms above. */
export function specifiersOf(text: string): string[] {
  const constants = new Map<string, string>();
  for (const m of text.matchAll(
    /\bconst\s+([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?=\s*(['"`])([^'"`$]+)\2/g,
  )) {
    constants.set(m[1]!, m[3]!);
  }
  const specs: string[] = [];
  const patterns = [
    /\bfrom\s*(['"])([^'"]+)\1/g, // import ... from, import type ... from, export ... from
    /\bimport\s*(['"])([^'"]+)\1/g, // import 'x' (side effects)
    /\bimport\s*\(\s*(['"`])([^'"`$]+)\1\s*[,)]/g, // import('x')
    /\brequire\s*\(\s*(['"])([^'"]+)\1\s*\)/g, // require('x')
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) specs.push(m[2]!);
  for (const m of text.matchAll(/\bimport\s*\(\s*([A-Za-z_$][\w$]*)\s*[,)]/g)) {
    const value = constants.get(m[1]!);
    // A dynamic import of something that is not a string constant here cannot be checked: say so.
    specs.push(value ?? `<unresolvable import(${m[1]})>`);
  }
  return specs;
}

/** Every import of the product files under `srcDir`. */
export function importsUnder(srcDir: string): FoundImport[] {
  const src = resolve(srcDir);
  return files(src)
    .filter((f) => !TEST_CODE.test(f))
    .flatMap((f) =>
      specifiersOf(readFileSync(f, 'utf8')).map((spec) => {
        const rel = spec.startsWith('./') || spec.startsWith('../');
        const target = rel
          ? relative(src, resolve(dirname(f), spec))
              .split(sep)
              .join('/')
              .replace(/\.js$/, '.ts')
          : spec;
        return { file: relative(src, f).split(sep).join('/'), spec, target, relative: rel };
      }),
    );
}

/** The layer of a path under src: its first folder, or the file itself at the top (`providers.ts`). */
export function layerOf(path: string): string {
  const i = path.indexOf('/');
  return i < 0 ? path : path.slice(0, i);
}

/** What each layer may import (besides itself), as ARCHITECTURE.md's table says. */
export const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  core: [],
  kubernetes: ['core'],
  'providers.ts': ['core', 'kubernetes'],
  domain: ['core'],
  server: ['core', 'domain', 'providers.ts'],
  ingestion: ['core', 'providers.ts'],
  ops: ['core', 'domain', 'providers.ts'],
  cli: ['*'],
  emulator: [],
};

/** The only layer that may import the Kubernetes client library, and the only one importing kubernetes. */
const CLIENT_LIBRARY = '@kubernetes/client-node';

/** Every import under `srcDir` that breaks a rule, as `file -> target (rule)`; empty when clean. */
export function layeringViolations(srcDir: string): string[] {
  const out: string[] = [];
  for (const i of importsUnder(srcDir)) {
    const from = layerOf(i.file);
    const say = (rule: string) => out.push(`${i.file} -> ${i.spec} (${rule})`);
    if (i.spec.startsWith('<unresolvable')) {
      say('a dynamic import the checker cannot read: import a string literal or a const');
      continue;
    }
    if (!i.relative) {
      const pkg = i.spec.startsWith('@') ? i.spec.split('/').slice(0, 2).join('/') : i.spec.split('/')[0]!;
      if (pkg === CLIENT_LIBRARY && from !== 'kubernetes')
        say(`only src/kubernetes imports ${CLIENT_LIBRARY}`);
      continue;
    }
    if (i.target.startsWith('..')) {
      say('imports from outside src/');
      continue;
    }
    const to = layerOf(i.target);
    if (to === from) continue;
    if (to === 'kubernetes' && from !== 'providers.ts') {
      say('only src/providers.ts imports src/kubernetes');
      continue;
    }
    const allowed = MAY_IMPORT[from];
    if (allowed === undefined) {
      say(`${from} is not a layer in ARCHITECTURE.md`);
      continue;
    }
    if (!allowed.includes('*') && !allowed.includes(to)) {
      say(`${from} may import only ${[from, ...allowed].join(', ')}`);
    }
  }
  return out;
}
