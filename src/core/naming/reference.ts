/**
 * @module core/naming/reference
 *
 * `secret:<name>` references: what the database keeps in place of a value stored in an external
 * provider, and what ingestion resolves. Upstream strips the prefix with `replace("secret:", "")`
 * (every occurrence); omsm strips it once, so a name can never be rewritten by accident.
 */
import { omsmError } from '../errors.js';
import { isValidSecretName } from './secret-name.js';

export const REFERENCE_PREFIX = 'secret:';

/** True for any string that starts with `secret:` (what upstream treats as "already stored"). */
export function isReference(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(REFERENCE_PREFIX);
}

/** `secret:<name>` for a Kubernetes name. */
export function toReference(name: string): string {
  return REFERENCE_PREFIX + name;
}

/**
 * The Secret name in a reference (prefix stripped once). Accepts a bare name too, so CLI users can
 * pass either form.
 * @throws OmsmError OMSM_ERR_REFERENCE_INVALID when the name is not a valid Secret name.
 * @example parseReference('secret:openmetadata-bot-x-config-jwttoken') === 'openmetadata-bot-x-config-jwttoken'
 */
export function parseReference(value: string): string {
  const name = value.startsWith(REFERENCE_PREFIX) ? value.slice(REFERENCE_PREFIX.length) : value;
  if (!isValidSecretName(name)) {
    const shown = name.length > 80 ? `${name.slice(0, 77)}...` : name;
    throw omsmError(
      'OMSM_ERR_REFERENCE_INVALID',
      `"${JSON.stringify(shown).slice(1, -1)}" is not a valid Secret name`,
      {
        path: 'reference',
      },
    );
  }
  return name;
}
