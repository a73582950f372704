/**
 * The architecture as a test: every import under src/ follows ARCHITECTURE.md's table (the checker
 * is test/support/layering.ts), and the checker itself sees every import form and fails on a
 * deliberate violation of each rule, run over a small fixture tree.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { importsUnder, layeringViolations } from './support/layering.js';

test('every import under src/ follows ARCHITECTURE.md', () => {
  assert.deepEqual(layeringViolations(resolve('src')), []);
});

test('the check reads the real tree (guards against a vacuous pass)', () => {
  const found = importsUnder(resolve('src'));
  const targets = (file: string) => found.filter((i) => i.file === file).map((i) => i.target);
  assert.ok(targets('cli/main.ts').some((t) => t.startsWith('core/')));
  // providers.ts reaches kubernetes only through a dynamic import, and the checker sees it.
  assert.ok(targets('providers.ts').includes('kubernetes/module.ts'));
  assert.ok(found.some((i) => i.file.startsWith('kubernetes/') && i.target === '@kubernetes/client-node'));
});

const fixture = mkdtempSync(join(tmpdir(), 'omsm-layering-'));
after(() => rmSync(fixture, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const root = join(fixture, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const CLEAN = {
  'core/a.ts': 'export const a = 1;\n',
  'kubernetes/module.ts':
    "import { a } from '../core/a.js';\nimport { KubeConfig } from '@kubernetes/client-node';\nexport const m = [a, KubeConfig];\n",
  'providers.ts': "export const load = () => import('./kubernetes/module.js');\n",
  'domain/kinds.ts': "import type { a } from '../core/a.js';\nexport type K = typeof a;\n",
  'server/app.ts':
    "import '../domain/kinds.js';\nimport { load } from '../providers.js';\nexport { load };\n",
  'ops/run.ts': "export { load } from '../providers.js';\n",
  'ingestion/open.ts': "const P = '../providers.js';\nexport const open = () => import(P);\n",
  'cli/main.ts': "import '../server/app.js';\nimport '../ops/run.js';\nimport '../emulator/index.js';\n",
  'emulator/index.ts': 'export const e = 1;\n',
  'ops/run.test.ts': "import '../server/app.js';\n",
};

test('a tree that follows the table passes (and test files are not layers)', () => {
  assert.deepEqual(layeringViolations(tree('clean', CLEAN)), []);
});

/** One deliberate violation per rule and import form: the file that breaks it, and the report line. */
const VIOLATIONS: [string, Record<string, string>, RegExp][] = [
  [
    'core imports only core (import type)',
    { 'core/x.ts': "import type { K } from '../domain/kinds.js';\nexport type X = K;\n" },
    /^core\/x\.ts -> \.\.\/domain\/kinds\.js/,
  ],
  [
    'server never imports ops (static)',
    { 'server/x.ts': "import { load } from '../ops/run.js';\nexport { load };\n" },
    /^server\/x\.ts -> \.\.\/ops\/run\.js/,
  ],
  [
    'ops never imports server (export from)',
    { 'ops/x.ts': "export { load } from '../server/app.js';\n" },
    /^ops\/x\.ts -> \.\.\/server\/app\.js/,
  ],
  [
    'only providers.ts imports kubernetes (string constant)',
    {
      'ingestion/x.ts':
        "const KUBERNETES = '../kubernetes/module.js';\nexport const k = () => import(KUBERNETES);\n",
    },
    /^ingestion\/x\.ts -> \.\.\/kubernetes\/module\.js \(only src\/providers\.ts/,
  ],
  [
    'not even cli imports kubernetes (dynamic import over lines)',
    { 'cli/x.ts': "export const k = async () =>\n  await import(\n    '../kubernetes/module.js'\n  );\n" },
    /^cli\/x\.ts -> \.\.\/kubernetes\/module\.js/,
  ],
  [
    'only kubernetes imports client-node',
    { 'ops/x.ts': "import { CoreV1Api } from '@kubernetes/client-node';\nexport { CoreV1Api };\n" },
    /^ops\/x\.ts -> @kubernetes\/client-node/,
  ],
  [
    'the emulator imports nothing of the product (side-effect import)',
    { 'emulator/x.ts': "import '../core/a.js';\n" },
    /^emulator\/x\.ts -> \.\.\/core\/a\.js/,
  ],
  [
    'a dynamic import the checker cannot read is reported',
    { 'server/x.ts': 'export const f = (spec: string) => import(spec);\n' },
    /<unresolvable import\(spec\)>/,
  ],
];

for (const [name, files, expected] of VIOLATIONS) {
  test(`a deliberate violation fails the check: ${name}`, () => {
    const found = layeringViolations(tree(name.replace(/\W+/g, '-'), { ...CLEAN, ...files }));
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, expected);
  });
}
