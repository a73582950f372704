#!/usr/bin/env node
// The published entry point: runs the bundled CLI in dist/bundle/ (`npm run build`: tsc, then
// scripts/bundle.mjs; `npm ci` builds it through `prepare`). The bundle is one module per lazily
// loaded command plus shared chunks, dependencies included, so a cold start reads a few files
// instead of resolving hundreds (docs/benchmarks.md, "Cold start").
//
// Node's compile cache, where this Node has it (22.1+), keeps V8's compiled code between runs in
// NODE_COMPILE_CACHE or else <os.tmpdir()>/node-compile-cache. It is an optimisation only: when
// that directory cannot be created or written (TMPDIR a file, read-only), Node reports it in the
// returned status instead of throwing, and every run compiles again; nothing else changes.
import module from 'node:module';

try {
  module.enableCompileCache?.();
} catch {
  // No cache: every run compiles again, nothing else changes.
}
await import('../dist/bundle/main.js');
