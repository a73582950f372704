/**
 * @module emulator/resources/registry
 *
 * Every kind the emulator serves, and the lookups by URL (group/version/plural) and by manifest
 * (apiVersion/kind). Adding a kind: one module in this folder, one line here. The order is the
 * OpenAPI document order and the order a Namespace\'s contents are removed in.
 */
import { CLUSTER_ROLE } from './cluster-role.js';
import { CLUSTER_ROLE_BINDING } from './cluster-role-binding.js';
import type { ResourceDef } from './kind.js';
import { NAMESPACE } from './namespace.js';
import { ROLE } from './role.js';
import { ROLE_BINDING } from './role-binding.js';
import { SECRET } from './secret.js';
import { SERVICE_ACCOUNT } from './service-account.js';

export const RESOURCES: readonly ResourceDef[] = [
  SECRET,
  NAMESPACE,
  SERVICE_ACCOUNT,
  ROLE,
  CLUSTER_ROLE,
  ROLE_BINDING,
  CLUSTER_ROLE_BINDING,
];

const byPath = new Map<string, ResourceDef>();
const byKind = new Map<string, ResourceDef>();
for (const r of RESOURCES) {
  byPath.set(`${r.group}/${r.version}/${r.plural}`, r);
  byKind.set(`${r.group ? `${r.group}/` : ''}${r.version}/${r.kind}`, r);
}

export function resourceFor(group: string, version: string, plural: string): ResourceDef | undefined {
  return byPath.get(`${group}/${version}/${plural}`);
}

/** Looks up by `apiVersion` + `kind` as written in a manifest. */
export function resourceForKind(apiVersion: string, kind: string): ResourceDef | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}
