/**
 * @module core/naming/secret-name
 *
 * The one function that turns a secret's logical id into its Kubernetes name, shared by the server,
 * ingestion and operations (upstream broke once when two sides named secrets differently:
 * open-metadata/OpenMetadata#25988).
 *
 * Rule (docs/contract.md#naming): `<prefix>-<clusterName>-<path>-<components>`, every part cleaned: characters
 * outside `[A-Za-z0-9-]` become `-`, lowercase, runs of `-` collapsed, leading/trailing `-` stripped.
 * Unlike upstream, `-` separates prefix and clusterName too, and both are cleaned.
 *
 * Beyond upstream: names longer than 253 characters are cut to 242 and end in `-` plus 10 hex digits
 * of the SHA-256 of the logical id, so two long ids never share a name. Short ids that clean to the
 * same name (`my_db`, `my-db`) are told apart by the logical-id annotation the kubernetes provider
 * writes, not by the name: the documented names must stay exactly as documented.
 */
import { createHash } from 'node:crypto';
import { omsmError } from '../errors.js';

/** Kubernetes' limit for a Secret name (DNS-1123 subdomain). */
export const MAX_NAME_LENGTH = 253;
const HASH_HEX = 10;

export interface NamingContext {
  /** `secretsManagerConfiguration.prefix`; empty for none. */
  readonly prefix: string;
  /** Top-level `clusterName` (default `openmetadata`). */
  readonly clusterName: string;
}

export interface SecretId {
  /** Logical id: every part as given, URI-encoded, joined with `/`. Unique per secret. */
  readonly id: string;
  /** Kubernetes Secret name (a DNS-1123 subdomain, at most 253 characters). */
  readonly name: string;
}

/**
 * Upstream's sanitizer for one string: non-`[A-Za-z0-9-]` to `-`, lowercase, collapse, strip.
 * @throws OmsmError OMSM_ERR_NAME_EMPTY when nothing is left (`-`, `___`).
 * @example sanitizeName('a---b---c') === 'a-b-c'
 */
export function sanitizeName(raw: string): string {
  const out = cleanPart(raw);
  if (out === '') throw omsmError('OMSM_ERR_NAME_EMPTY', `"${printable(raw)}" has no letters or digits`);
  return out;
}

function cleanPart(raw: string): string {
  return raw
    .replace(/[^A-Za-z0-9-]/g, '-')
    .toLowerCase()
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Builds the id and Kubernetes name for the path parts of one secret (e.g. `['database',
 * 'my_service', 'authType', 'password']`), under the configured prefix and clusterName.
 * @throws OmsmError OMSM_ERR_NAME_EMPTY when no parts are given or a part cleans to nothing.
 * @example secretId({prefix: '', clusterName: 'openmetadata'}, ['database', 'myservice', 'password']).name
 *   === 'openmetadata-database-myservice-password'
 */
export function secretId(ctx: NamingContext, parts: readonly string[]): SecretId {
  if (parts.length === 0) throw omsmError('OMSM_ERR_NAME_EMPTY', 'a secret id needs at least one part');
  const all = ctx.prefix === '' ? [ctx.clusterName, ...parts] : [ctx.prefix, ctx.clusterName, ...parts];
  const cleaned = all.map((p, i) => {
    const c = cleanPart(p);
    if (c === '') {
      const offset = ctx.prefix === '' ? 1 : 2;
      const what =
        i < offset ? (i === 0 && ctx.prefix !== '' ? 'prefix' : 'clusterName') : `part ${i - offset + 1}`;
      throw omsmError('OMSM_ERR_NAME_EMPTY', `${what} "${printable(p)}" has no letters or digits`, {
        path: what,
      });
    }
    return c;
  });
  const id = all.map((p) => encodeURIComponent(p)).join('/');
  return { id, name: fitName(cleaned.join('-'), id) };
}

/**
 * Upstream's child-name helper: a field name appended to an already-built parent name, cleaned.
 * @example childSecretName('openmetadata-service-my_service', 'password')
 *   === 'openmetadata-service-my-service-password'
 */
export function childSecretName(parentName: string, field: string): string {
  const joined = sanitizeName(`${parentName}-${field}`);
  return fitName(joined, `${parentName}/${field}`);
}

/** Keeps a cleaned name within 253 characters; over that, ends it in a hash of the logical id. */
function fitName(name: string, id: string): string {
  if (name.length <= MAX_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, HASH_HEX);
  const head = name.slice(0, MAX_NAME_LENGTH - HASH_HEX - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True when `name` is a valid Kubernetes Secret name. */
export function isValidSecretName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH && DNS1123_SUBDOMAIN.test(name);
}

/** Short, safe rendering of user input for messages (names are not secrets, but may be huge). */
function printable(s: string): string {
  const t = s.length > 64 ? `${s.slice(0, 61)}...` : s;
  return JSON.stringify(t).slice(1, -1);
}
