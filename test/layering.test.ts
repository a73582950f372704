/**
 * The architecture as a test: core imports nothing above it, and the emulator imports nothing of
 * the product (so it stays a faithful stand-in for a real API server).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { test } from 'node:test';

const SRC = resolve('src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file, resolved to paths under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
  return specs.map((s) => relative(SRC, resolve(dirname(file), s)));
}

function violations(area: string, allowed: (target: string) => boolean): string[] {
  return files(join(SRC, area)).flatMap((f) =>
    importsOf(f)
      // A test may use what test/support/ offers (fakes, fixtures); product code never does.
      .filter((t) => !allowed(t) && !(f.endsWith('.test.ts') && t.startsWith('../test/support/')))
      .map((t) => `${relative(SRC, f)} -> ${t}`),
  );
}

test('core imports only core', () => {
  assert.deepEqual(
    violations('core', (t) => t.startsWith('core/')),
    [],
  );
});

test('core never imports @kubernetes/client-node', () => {
  const bad = files(join(SRC, 'core')).filter((f) =>
    readFileSync(f, 'utf8').includes('@kubernetes/client-node'),
  );
  assert.deepEqual(bad, []);
});

test('the emulator imports nothing of the product', () => {
  assert.deepEqual(
    violations('emulator', (t) => t.startsWith('emulator/')),
    [],
  );
});

test('the layering check sees imports (guards against a vacuous pass)', () => {
  assert.ok(importsOf(join(SRC, 'cli/main.ts')).some((t) => t.startsWith('core/')));
});
