/**
 * The core provider conformance suite, run against the kubernetes provider over HTTPS against
 * kube-emulator, as the server's ServiceAccount (docs/contract.md#rbac) with omsm's server Role (docs/contract.md#rbac). No case is skipped.
 */
import { after, before } from 'node:test';
import { runProviderConformance } from './support/provider-conformance.case.js';
import type { KubeEmulator } from '../src/emulator/index.js';
import { NS, SA, provider, startSeededEmulator } from './support/kubernetes-fixture.js';

let emu: KubeEmulator;
let kubeconfig: string;

before(async () => {
  emu = await startSeededEmulator();
  kubeconfig = await emu.writeServiceAccountKubeconfig(NS, SA);
});
after(async () => {
  await emu?.close();
});

runProviderConformance('kubernetes (kube-emulator)', async () => {
  const p = await provider(kubeconfig);
  return { provider: p, close: () => p.close() };
});
