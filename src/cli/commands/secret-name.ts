/**
 * @module cli/commands/secret-name
 * Placeholder: the owning issue replaces this with the real command.
 */
import type { Command } from 'commander';

export function register(_program: Command): void {}
