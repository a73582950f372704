/**
 * @module cli/commands/secrets-orphans
 * Placeholder for `omsm secrets orphans` (operations issue); `secrets.ts` attaches it.
 */
import type { Command } from 'commander';

export function registerOrphans(_secrets: Command): void {}
