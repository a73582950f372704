/**
 * @module emulator/wire/validation
 * Object validation with the v1.32 messages (names, labels, annotations, Secret data and type,
 * immutability). Returns Status causes; the caller raises `Statuses.invalid(kind, name, causes)`.
 * STUB: being implemented.
 */
import type { StatusCause } from '../status.js';

export interface ValidateOptions {
  /** Kind being validated, e.g. `Secret`, `Namespace`, `Role`. */
  readonly kind: string;
  readonly namespaced: boolean;
}

/** Validation of a new object (create) or of `next` replacing `old` (update/patch). */
export function validateObject(
  _next: Record<string, unknown>,
  _old: Record<string, unknown> | undefined,
  _options: ValidateOptions,
): StatusCause[] {
  return [];
}
