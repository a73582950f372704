/**
 * @module kubernetes/secret-format
 *
 * What one omsm secret looks like as a Kubernetes Secret, and the ownership rules read from it.
 *
 * Format (docs/contract.md#naming): one data key `value` holding base64 of the UTF-8 value; labels
 * `app: openmetadata` and `managed-by: openmetadata-secrets-manager` plus the configured tags; and,
 * beyond upstream's format, the annotation `secrets.openmetadata.org/id` holding the full logical id, so two
 * ids whose sanitized names collide can never overwrite each other.
 *
 * Decisions:
 * - A tag may override `app` (upstream allows it), but never `managed-by`: ownership hangs on that
 *   label, so a tag for it is refused when the provider is created.
 * - A Secret with the managed-by label but no id annotation was written by upstream OpenMetadata (or
 *   an older omsm). It is adopted: read, updated (the update records the annotation) and deleted
 *   like our own. Refusing it would strand every secret of a user switching from upstream.
 * - The payload `null` (what older upstream versions wrote for an empty value) and a missing `value`
 *   key both read as absent.
 */
import { type ValidationIssue, omsmError, validationError } from '../core/errors.js';
import { isValidSecretName } from '../core/naming/secret-name.js';
import type { SecretRecord } from '../core/providers/provider.js';

export const LABEL_APP = 'app';
export const LABEL_MANAGED_BY = 'managed-by';
export const APP_VALUE = 'openmetadata';
export const MANAGED_BY_VALUE = 'openmetadata-secrets-manager';
/** Annotation holding the logical id (see core/naming/secret-name.ts `SecretId.id`). */
export const ID_ANNOTATION = 'secrets.openmetadata.org/id';
export const DATA_KEY = 'value';
/** Kubernetes' limit on the sum of decoded data values of one Secret (`MaxSecretSize`). */
export const MAX_SECRET_BYTES = 1024 * 1024;
/** Kubernetes' limit on the total size of annotation keys and values. */
const MAX_ANNOTATION_BYTES = 256 * 1024;

/** The subset of a V1Secret omsm reads and writes (client-node's model is structurally compatible). */
export interface SecretObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  data?: Record<string, string>;
  type?: string;
  [key: string]: unknown;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Problems with one label key/value pair (Kubernetes' rules), empty when valid. */
export function labelIssues(key: string, value: string, path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const keyOk =
    (prefix === undefined || (prefix.length > 0 && prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix))) &&
    !name.includes('/') &&
    name.length <= 63 &&
    LABEL_NAME.test(name);
  if (!keyOk) {
    issues.push({
      path,
      code: 'label_key',
      message: `label key "${key}" is invalid`,
      fix: 'use an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending alphanumeric',
    });
  }
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    issues.push({
      path,
      code: 'label_value',
      message: `label value for "${key}" is invalid`,
      fix: 'use at most 63 letters, digits, "-", "_" or ".", starting and ending alphanumeric (or empty)',
    });
  }
  return issues;
}

/**
 * The labels every Secret gets: the two defaults, then the tags (which may override `app`).
 * @throws OmsmError OMSM_ERR_CONFIG_INVALID for an invalid tag or a tag named `managed-by`.
 */
export function buildLabels(tags: Readonly<Record<string, string>> = {}): Record<string, string> {
  const issues: ValidationIssue[] = [];
  for (const [k, v] of Object.entries(tags)) {
    const path = `secretsManagerConfiguration.tags.${k}`;
    if (k === LABEL_MANAGED_BY) {
      issues.push({
        path,
        code: 'reserved',
        message: `the label "${LABEL_MANAGED_BY}" marks Secrets omsm owns and cannot be set by a tag`,
        fix: 'remove this tag',
      });
      continue;
    }
    issues.push(...labelIssues(k, String(v), path));
  }
  if (issues.length > 0) throw validationError('OMSM_ERR_CONFIG_INVALID', issues);
  return { [LABEL_APP]: APP_VALUE, ...tags, [LABEL_MANAGED_BY]: MANAGED_BY_VALUE };
}

/**
 * Checks what Kubernetes would reject, before any call: the name, the 1 MiB size, the annotation size.
 * @throws OmsmError OMSM_ERR_NAME_INVALID, OMSM_ERR_SECRET_TOO_LARGE, OMSM_ERR_SECRET_INVALID.
 */
export function validateForWrite(name: string, id: string, value: string): void {
  if (!isValidSecretName(name)) {
    throw omsmError('OMSM_ERR_NAME_INVALID', `"${name.slice(0, 80)}" is not a valid Secret name`, {
      secretName: name.slice(0, 253),
    });
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_SECRET_BYTES) {
    throw omsmError(
      'OMSM_ERR_SECRET_TOO_LARGE',
      `the value for Secret "${name}" is ${bytes} bytes; Kubernetes allows at most ${MAX_SECRET_BYTES}`,
      { secretName: name, secretId: id, bytes },
    );
  }
  if (Buffer.byteLength(id, 'utf8') + ID_ANNOTATION.length > MAX_ANNOTATION_BYTES) {
    throw omsmError('OMSM_ERR_SECRET_INVALID', `the logical id of Secret "${name}" is too long to record`, {
      secretName: name,
      path: `metadata.annotations.${ID_ANNOTATION}`,
    });
  }
}

/** base64 of the UTF-8 bytes, as Kubernetes stores `data` values. */
export function encodeValue(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

/** The value in a Secret, or `undefined` when absent (no `value` key, or the upstream payload `null`). */
export function decodeValue(secret: SecretObject): string | undefined {
  const raw = secret.data?.[DATA_KEY];
  if (raw === undefined || raw === null) return undefined;
  const value = Buffer.from(raw, 'base64').toString('utf8');
  return value === 'null' ? undefined : value;
}

/** A new Secret for `id` holding `value`. */
export function newSecret(
  name: string,
  id: string,
  value: string,
  labels: Readonly<Record<string, string>>,
): SecretObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, labels: { ...labels }, annotations: { [ID_ANNOTATION]: id } },
    type: 'Opaque',
    data: { [DATA_KEY]: encodeValue(value) },
  };
}

/**
 * The replacement body for an existing Secret: keeps what others put there (other labels,
 * annotations, data keys, type), sets ours, and carries `resourceVersion` so the write is
 * conditional. `managedFields` is dropped: the server keeps its own.
 */
export function updatedSecret(
  existing: SecretObject,
  id: string,
  value: string,
  labels: Readonly<Record<string, string>>,
): SecretObject {
  const { managedFields: _mf, ...meta } = existing.metadata ?? {};
  return {
    ...existing,
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      ...meta,
      labels: { ...(meta.labels ?? {}), ...labels },
      annotations: { ...(meta.annotations ?? {}), [ID_ANNOTATION]: id },
    },
    data: { ...(existing.data ?? {}), [DATA_KEY]: encodeValue(value) },
  };
}

/** True when writing `value` with `labels` for `id` would change nothing. */
export function isUpToDate(
  existing: SecretObject,
  id: string,
  value: string,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (existing.data?.[DATA_KEY] !== encodeValue(value)) return false;
  if (existing.metadata?.annotations?.[ID_ANNOTATION] !== id) return false;
  const have = existing.metadata?.labels ?? {};
  return Object.entries(labels).every(([k, v]) => have[k] === v);
}

/** Why a Secret is not ours to write or delete for `id`, or `undefined` when it is. */
/** The value and the ownership marks of a Secret (what the ingestion resolver checks). */
export function secretRecord(existing: SecretObject): SecretRecord {
  const id = existing.metadata?.annotations?.[ID_ANNOTATION];
  return {
    value: decodeValue(existing),
    managed: existing.metadata?.labels?.[LABEL_MANAGED_BY] === MANAGED_BY_VALUE,
    ...(id === undefined ? {} : { id }),
  };
}

export function ownershipProblem(existing: SecretObject, id: string | undefined): string | undefined {
  const labels = existing.metadata?.labels ?? {};
  if (labels[LABEL_MANAGED_BY] !== MANAGED_BY_VALUE) {
    return `it has no label ${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE} (it was not written by a secrets manager)`;
  }
  const owner = existing.metadata?.annotations?.[ID_ANNOTATION];
  if (id !== undefined && owner !== undefined && owner !== id) {
    return `its annotation ${ID_ANNOTATION} names another logical id ("${owner.slice(0, 200)}"), so two ids map to this name`;
  }
  return undefined;
}
