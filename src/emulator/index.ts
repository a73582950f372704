/**
 * @module emulator
 *
 * kube-emulator's public entry: a single-process Kubernetes API (v1.32 on the wire) for the
 * resources omsm touches. Imports nothing from the product. The contract (`types.ts`) is fixed:
 * the rest of the project codes against it; `startEmulator` (`start-emulator.ts`) is the
 * composition root that wires the parts.
 */
export { startEmulator } from './start-emulator.js';
export type { AuditEntry, EmulatorOptions, FaultSettings, InClusterDir, KubeEmulator } from './types.js';
