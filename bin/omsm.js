#!/usr/bin/env node
// The published entry point. omsm ships TypeScript sources and runs them through tsx's loader,
// so there is no build step between a checkout and a working binary.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
