/**
 * @module emulator/wire/managed-fields
 * `metadata.managedFields` bookkeeping for writes (Update entries) and server-side apply.
 * STUB: leaves managedFields as the client sent them.
 */

/** Manager name: the fieldManager query parameter, else the User-Agent up to the first `/`. */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const ua = (userAgent ?? '').split('/')[0] ?? '';
  return ua.replace(/[^\x20-\x7e]/g, '').slice(0, 128);
}

/**
 * Records a write by `manager` in `next.metadata.managedFields` (mutates `next`).
 * `operation` is `Update` for create/update/patch and `Apply` for server-side apply.
 */
export function recordWrite(
  _next: Record<string, unknown>,
  _old: Record<string, unknown> | undefined,
  _manager: string,
  _operation: 'Update' | 'Apply',
  _now: Date,
): void {}
