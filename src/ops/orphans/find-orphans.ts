/**
 * @module ops/orphans/find-orphans
 *
 * `omsm secrets orphans`: two lists that drift over time between the database and the namespace.
 * - Orphans: Secrets managed by this omsm (the managed-by label, and an id annotation under this
 *   prefix/clusterName, or for upstream-written Secrets without one, a name under it) that no
 *   entity references. Secrets younger than `minAgeSeconds` are never orphans: the server writes a
 *   Secret before the row that references it, and that window must not look like an orphan.
 * - Missing: references in the database whose Secret does not exist (ingestion would fail on them).
 *
 * Listing Secrets needs the `list` verb, which omsm's server Role (docs/contract.md#rbac) does not grant on purpose (`list`
 * returns every value): a 403 says so and names `omsm rbac --with-list`.
 */
import { getAt } from '../../core/masking/mask.js';
import { isReference, parseReference } from '../../core/naming/reference.js';
import type { NamingContext } from '../../core/naming/secret-name.js';
import type { StoreEntry } from '../../core/providers/module.js';
import type { FieldPath, JsonObject } from '../../core/secrets/secrets-manager-types.js';
import type { SecretHolderSource } from '../migrate/migrate-types.js';

export const ID_ANNOTATION = 'secrets.openmetadata.org/id';
const MANAGED_BY = ['managed-by', 'openmetadata-secrets-manager'] as const;

/** What listing tells about one Secret (never its data): the inspector's entry. */
export type ListedSecret = StoreEntry;

export interface Orphan {
  readonly name: string;
  /** Logical id from the annotation, when present. */
  readonly id?: string;
  readonly ageSeconds?: number;
}

export interface MissingReference {
  readonly entityKind: string;
  readonly entityName: string;
  readonly field: string;
  readonly secretName: string;
}

export interface OrphanReport {
  readonly namespace: string;
  readonly orphans: Orphan[];
  readonly missing: MissingReference[];
  /** Orphans deleted (with --apply), and the ones that could not be, with why. */
  readonly deleted: string[];
  readonly notDeleted: { name: string; reason: string }[];
}

/** True when this omsm (prefix + clusterName) manages the Secret. */
export function isOurs(s: ListedSecret, naming: NamingContext): boolean {
  if (s.labels[MANAGED_BY[0]] !== MANAGED_BY[1]) return false;
  const parts = naming.prefix === '' ? [naming.clusterName] : [naming.prefix, naming.clusterName];
  const id = s.annotations[ID_ANNOTATION];
  if (id !== undefined) return id.startsWith(`${parts.map(encodeURIComponent).join('/')}/`);
  const namePrefix = `${parts.map((p) => p.toLowerCase().replace(/[^a-z0-9-]/g, '-')).join('-')}-`;
  return s.name.startsWith(namePrefix);
}

/** Every `secret:` reference in the holders' password fields, with where it sits. */
export async function* references(
  holders: SecretHolderSource,
  passwordPaths: (schema: string, config: JsonObject) => FieldPath[],
): AsyncGenerator<MissingReference> {
  for await (const page of holders.pages(200)) {
    for (const h of page) {
      for (const s of h.slots) {
        for (const path of passwordPaths(s.scope.schema, s.config)) {
          const v = getAt(s.config, path);
          if (!isReference(v)) continue;
          let secretName: string;
          try {
            secretName = parseReference(v);
          } catch {
            continue;
          }
          yield {
            entityKind: h.kind,
            entityName: h.name,
            field: [...s.pointer, ...path].join('.'),
            secretName,
          };
        }
      }
    }
  }
}

/**
 * Compares a namespace listing with the references. Pure.
 * @example findOrphans(listed, refs, naming, 600, Date.now())
 */
export function compare(
  listed: readonly ListedSecret[],
  refs: readonly MissingReference[],
  naming: NamingContext,
  minAgeSeconds: number,
  now: number,
): { orphans: Orphan[]; missing: MissingReference[] } {
  const existing = new Set(listed.map((s) => s.name));
  const referenced = new Set(refs.map((r) => r.secretName));
  const orphans: Orphan[] = [];
  for (const s of listed) {
    if (referenced.has(s.name) || !isOurs(s, naming)) continue;
    const ageSeconds = s.created === undefined ? undefined : Math.floor((now - s.created) / 1000);
    if (ageSeconds !== undefined && ageSeconds < minAgeSeconds) continue;
    const id = s.annotations[ID_ANNOTATION];
    orphans.push({
      name: s.name,
      ...(id ? { id } : {}),
      ...(ageSeconds === undefined ? {} : { ageSeconds }),
    });
  }
  const missing = refs.filter((r) => !existing.has(r.secretName));
  return { orphans: orphans.sort((a, b) => a.name.localeCompare(b.name)), missing };
}
