/**
 * @module test/support/canary
 *
 * Secret values for tests. Every secret value a test stores should come from `canary()`: each is
 * unique and recognisable, so the leak guard (leak-guard.ts, loaded into every test process) can
 * prove that no value reaches a log, an error, an HTTP response, test output or a file.
 */
import { randomBytes } from 'node:crypto';

/** Matches every canary; the guard scans for it. */
export const CANARY_PATTERN = /omsm-canary-[0-9a-f]{16}/g;

/**
 * A fresh secret value: `omsm-canary-<16 hex>`, plus an optional suffix (e.g. unicode) that a test
 * needs in the value itself.
 */
export function canary(suffix = ''): string {
  return `omsm-canary-${randomBytes(8).toString('hex')}${suffix}`;
}

/** Replaces canaries in `text` by a marker, for messages that must show context safely. */
export function redactCanaries(text: string): string {
  return text.replace(CANARY_PATTERN, 'omsm-canary-<redacted>');
}
