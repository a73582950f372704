#!/usr/bin/env node
// The published entry point: runs the compiled CLI in dist/ (`npm run build`; `npm ci` builds it
// through `prepare`). Node's compile cache, where this Node has it (22.1+), keeps V8's compiled
// code of omsm and its dependencies between runs; it is an optimisation only, so a cache that
// cannot be written (read-only or missing temp dir) is ignored.
import module from 'node:module';

try {
  module.enableCompileCache?.();
} catch {
  // No cache: every run compiles again, nothing else changes.
}
await import('../dist/cli/main.js');
