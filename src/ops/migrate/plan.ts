/**
 * @module ops/migrate/plan
 *
 * Planning is pure: a holder plus what the two providers recognize gives one `PlannedField` per
 * password field that holds a value. Nothing is read from a backend here; `refine.ts` adds what
 * only the target can tell (conflicts, "already there" for `secret:` to `secret:`).
 *
 * How a field is classified, with S the source and T the target provider:
 * - T reads the stored form and S does not (db to kubernetes after a previous run: `secret:x`):
 *   already there.
 * - S reads it and T does not (`fernet:` to kubernetes, `secret:` to db): migrate.
 * - Both read it (kubernetes A to B): migrate when the reference names another Secret than the
 *   target name; with the same name, the target's content decides (`check: 'compare'`).
 * - Neither: skip, with the reason (e.g. a plain value under `no_encryption_at_rest`).
 * - A `secret:` reference to anything but the field's own Secret (its derived name under the
 *   source's or the target's naming): foreign, before any of the above. The server refuses to
 *   store such a reference (core/secrets/write-plan.ts); one in the database predates that rule,
 *   or was written around the server. Carrying it over would copy another Secret's value into
 *   this field's.
 */
import type { ProviderName } from '../../core/config/config-types.js';
import { isReference, parseReference } from '../../core/naming/reference.js';
import { type NamingContext, type SecretId, secretId } from '../../core/naming/secret-name.js';
import type { FieldPath, JsonObject, JsonValue } from '../../core/secrets/secrets-manager-types.js';
import type { PlannedField, SecretHolder, StoredKind } from './migrate-types.js';

/** What planning needs to know of a provider: pure facts, no I/O. */
export interface ProviderFacts {
  readonly name: ProviderName;
  /** Human label for reports, e.g. `kubernetes (namespace a)`. */
  readonly label: string;
  readonly inline: boolean;
  recognizes(stored: string): boolean;
}

export interface PlanContext {
  readonly source: ProviderFacts;
  readonly target: ProviderFacts;
  readonly sourceNaming: NamingContext;
  readonly targetNaming: NamingContext;
  /** The password fields present in a config (the SecretsManager's schema walk). */
  passwordPaths(schema: string, config: JsonObject): FieldPath[];
  /** The secret id of a field; default `secretId(naming, [...scope.parts, ...path])`. */
  idOf?(naming: NamingContext, parts: readonly string[], path: FieldPath): SecretId;
}

export function storedKind(stored: string): StoredKind {
  if (stored.startsWith('fernet:')) return 'fernet';
  if (isReference(stored)) return 'reference';
  return 'plain';
}

function defaultIdOf(naming: NamingContext, parts: readonly string[], path: FieldPath): SecretId {
  return secretId(naming, [...parts, ...path.map(String)]);
}

function valueAt(config: JsonObject, path: FieldPath): JsonValue | undefined {
  let cur: JsonValue | undefined = config;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, JsonValue>)[key as string];
  }
  return cur;
}

function refName(stored: string): string | undefined {
  try {
    return parseReference(stored);
  } catch {
    return undefined;
  }
}

/**
 * The plan for one holder: one entry per password field holding a non-empty string.
 * Pure: the same holder and context always give the same plan.
 * @throws OmsmError NAME_EMPTY when an entity's name parts clean to nothing (a bad row).
 */
export function planHolder(holder: SecretHolder, ctx: PlanContext): PlannedField[] {
  const idOf = ctx.idOf ?? defaultIdOf;
  const out: PlannedField[] = [];
  for (const section of holder.slots) {
    for (const path of ctx.passwordPaths(section.scope.schema, section.config)) {
      const stored = valueAt(section.config, path);
      if (typeof stored !== 'string' || stored === '') continue;
      const docPath = [...section.pointer, ...path];
      const targetId = idOf(ctx.targetNaming, section.scope.parts, path);
      const sourceId = idOf(ctx.sourceNaming, section.scope.parts, path);
      const kind = storedKind(stored);
      const s = ctx.source.recognizes(stored);
      const t = ctx.target.recognizes(stored);
      const name = kind === 'reference' ? refName(stored) : undefined;
      let status: PlannedField['item']['status'];
      let reason: string | undefined;
      let check: PlannedField['check'];
      if (kind === 'reference' && name !== sourceId.name && name !== targetId.name) {
        status = 'foreign';
        reason =
          name === undefined
            ? 'a secret: value that is not a valid Secret name'
            : `references Secret "${name}", which is not this field's own (${sourceId.name}); fix the entity: send its password again`;
      } else if (t && !s) {
        status = 'already-there';
      } else if (s && !t) {
        status = 'migrate';
      } else if (s && t) {
        status = 'migrate';
        if (name === targetId.name) {
          check = 'compare';
          reason = 'same Secret name in source and target: the target content decides';
        }
      } else {
        status = 'skip';
        reason = `a ${kind} stored form that neither ${ctx.source.name} nor ${ctx.target.name} reads`;
      }
      out.push({
        item: {
          entityType: holder.group,
          entityKind: holder.kind,
          entityId: holder.id,
          entityName: holder.name,
          field: docPath.join('.'),
          source: name === undefined ? { kind } : { kind, name },
          target: ctx.target.inline ? 'fernet' : targetId.name,
          status,
          ...(reason === undefined ? {} : { reason }),
        },
        docPath,
        sourceStored: stored,
        targetId,
        sourceId,
        ...(check === undefined ? {} : { check }),
      });
    }
  }
  return out;
}
