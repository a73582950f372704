/**
 * @module ops/orphans/run-orphans
 *
 * Wires `omsm secrets orphans`: list the namespace (needs `list`), then stream the database's
 * references, compare, and with `apply` delete each orphan through the provider (which re-checks
 * ownership: the label and the recorded id). The listing comes from the provider module's inspector.
 */
import type { OmsmConfig } from '../../core/config/config-types.js';
import { omsmError } from '../../core/errors.js';
import { toReference } from '../../core/naming/reference.js';
import { loadSchemaRegistry } from '../../core/schema/schema-registry.js';
import type { StoreEntry } from '../../core/providers/module.js';
import { providerRegistry } from '../../providers.js';
import { openDatabase } from '../../domain/db/database.js';
import { EntityStore } from '../../domain/db/entity-store.js';
import { reasonOf } from '../migrate/apply.js';
import { dbHolderSource } from '../migrate/holders-db.js';
import { compare, type MissingReference, type OrphanReport, references } from './find-orphans.js';

export interface OrphanOptions {
  readonly configPath: string;
  readonly apply: boolean;
  /** Secrets younger than this are never orphans (default 600 s). */
  readonly minAgeSeconds: number;
}

/**
 * @throws OmsmError OMSM_ERR_USAGE when the provider is not kubernetes; OMSM_ERR_KUBE_ACCESS when
 *   `list` is denied; database and connection errors.
 */
export async function runOrphans(config: OmsmConfig, opts: OrphanOptions): Promise<OrphanReport> {
  const smc = config.secretsManagerConfiguration;
  const registry = providerRegistry();
  const module = await registry.moduleFor(config);
  if (!module.inspector) {
    throw omsmError(
      'OMSM_ERR_USAGE',
      `orphan reports need a provider whose secrets live in a store of their own (kubernetes); this config uses ${smc.secretsManager}`,
      { path: 'secretsManagerConfiguration.secretsManager' },
    );
  }
  const namespace = smc.parameters.namespace;
  // List first, then read the database: a Secret written after the listing cannot be reported.
  const inspector = await module.inspector(config);
  let listed: StoreEntry[];
  try {
    listed = await inspector.list(opts.configPath);
  } finally {
    await inspector.close();
  }
  const schemas = loadSchemaRegistry([...config.schemaDirs]);
  const { db } = openDatabase(config.database);
  const refs: MissingReference[] = [];
  try {
    const holders = dbHolderSource({ store: new EntityStore(db) });
    for await (const r of references(holders, (s, c) => schemas.passwordPaths(s, c))) refs.push(r);
  } finally {
    await db.destroy();
  }
  const naming = { prefix: smc.prefix, clusterName: config.clusterName };
  const { orphans, missing } = compare(listed, refs, naming, opts.minAgeSeconds, Date.now());
  const deleted: string[] = [];
  const notDeleted: { name: string; reason: string }[] = [];
  if (opts.apply && orphans.length > 0) {
    const provider = await registry.open({
      ...config,
      secretsManagerConfiguration: { ...smc, parameters: { ...smc.parameters, accessCheck: 'off' } },
    });
    try {
      for (const o of orphans) {
        try {
          await provider.delete(toReference(o.name), o.id ? { id: o.id, name: o.name } : undefined);
          deleted.push(o.name);
        } catch (err) {
          notDeleted.push({ name: o.name, reason: reasonOf(err) });
        }
      }
    } finally {
      await provider.close();
    }
  }
  return { namespace, orphans, missing, deleted, notDeleted };
}

export function renderOrphansText(r: OrphanReport, applied: boolean): string {
  const lines = [`Secrets in namespace ${r.namespace}:`];
  lines.push(`Orphans (managed by omsm, referenced by no entity): ${r.orphans.length}`);
  for (const o of r.orphans) {
    const state = r.deleted.includes(o.name) ? '  deleted' : '';
    lines.push(
      `  ${o.name}${o.ageSeconds === undefined ? '' : `  (age ${Math.floor(o.ageSeconds / 60)} min)`}${state}`,
    );
  }
  for (const n of r.notDeleted) lines.push(`  not deleted ${n.name}: ${n.reason}`);
  lines.push(`Missing (referenced, but the Secret does not exist): ${r.missing.length}`);
  for (const m of r.missing) lines.push(`  ${m.entityKind}/${m.entityName} ${m.field} -> ${m.secretName}`);
  if (!applied && r.orphans.length > 0) lines.push('Run again with --apply to delete the orphans.');
  if (r.missing.length > 0)
    lines.push('Missing Secrets: set the field again through the API (or restore the Secret).');
  return `${lines.join('\n')}\n`;
}
