/**
 * @module test/support/assert-error-code
 *
 * Small assertion helpers shared by core's tests (and usable by other areas' tests).
 */
import { asOmsmError, type ErrorCode } from '../../src/core/errors.js';

/** An `assert.throws` validator that passes for an OmsmError (or a cause chain holding one) of `code`. */
export function isOmsmErrorCode(code: ErrorCode): (err: unknown) => boolean {
  return (err) => {
    const e = asOmsmError(err);
    if (e?.code !== code) {
      throw new Error(`expected ${code}, got ${e?.code ?? (err instanceof Error ? err.name : String(err))}`);
    }
    return true;
  };
}
