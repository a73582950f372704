/**
 * @module emulator/admin-apply
 *
 * `KubeEmulator.apply`: create or replace objects as the emulator itself (no authz, unknown
 * fields ignored), creating a missing namespace first, through the same registry the HTTP layer
 * uses so both see the same semantics.
 */
import { type Obj, resourceFor, resourceForKind } from './resources.js';
import type { Registry, WriteOptions } from './rest.js';
import type { Store } from './store.js';

const NS = resourceFor('', 'v1', 'namespaces')!;

/** Write options of the emulator's own writes (field manager `kube-emulator`). */
export function adminOptions(): WriteOptions {
  return { manager: 'kube-emulator', dryRun: false, fieldValidation: 'Ignore', warnings: [] };
}

/** @throws Error for a kind the emulator does not serve; StatusError as the registry raises. */
export function applyAsAdmin(
  store: Store,
  registry: Registry,
  objects: readonly Record<string, unknown>[],
): void {
  for (const o of objects) {
    const def = resourceForKind(String(o.apiVersion ?? ''), String(o.kind ?? ''));
    if (!def) throw new Error(`kube-emulator: cannot apply ${String(o.apiVersion)}/${String(o.kind)}`);
    const m = (o.metadata as Obj | undefined) ?? {};
    const name = String(m.name ?? '');
    const ns = def.namespaced ? String(m.namespace ?? 'default') : '';
    if (def.namespaced && !store.get(NS, undefined, ns)) {
      registry.create(NS, '', { metadata: { name: ns } }, adminOptions());
    }
    const { resourceVersion: _rv, ...meta } = m;
    const body = { ...o, metadata: { ...meta, ...(def.namespaced ? { namespace: ns } : {}) } };
    if (name && store.get(def, ns, name)) registry.update(def, ns, name, body, adminOptions());
    else registry.create(def, ns, body, adminOptions());
  }
}
