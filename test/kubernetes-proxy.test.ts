/**
 * A cluster reached through a kubeconfig `proxy-url` (SOCKS5): the installed CLI (bin/omsm.js over
 * the bundle, where client-node's SOCKS agent is loaded only on first use) resolves a reference
 * through the proxy, and the proxy saw the connection to the API server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse, stringify } from 'yaml';
import type { KubeEmulator } from '../src/emulator/index.js';
import { runCli } from './support/cli.js';
import { seedSecret } from './support/ingestion-emulator-fixture.js';
import { NS, SA, startSeededEmulator } from './support/kubernetes-fixture.js';
import { type Socks5Relay, startSocks5Relay } from './support/socks5-relay.js';

const dir = mkdtempSync(join(tmpdir(), 'omsm-proxy-'));
let emu: KubeEmulator;
let relay: Socks5Relay;

before(async () => {
  emu = await startSeededEmulator();
  relay = await startSocks5Relay();
});
after(async () => {
  await relay?.close();
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('ingestion resolve reaches a cluster through a socks5 proxy-url', async () => {
  const value = 'through-the-proxy-value';
  await emu.apply([seedSecret('openmetadata-database-proxied-password', NS, value)]);
  const kc = parse(readFileSync(await emu.writeServiceAccountKubeconfig(NS, SA), 'utf8'));
  kc.clusters[0].cluster['proxy-url'] = relay.url;
  const kubeconfig = join(dir, 'proxied.kubeconfig');
  writeFileSync(kubeconfig, stringify(kc), { mode: 0o600 });
  const workflow = join(dir, 'workflow.yaml');
  writeFileSync(
    workflow,
    'source:\n  password: secret:openmetadata-database-proxied-password\nworkflowConfig:\n  openMetadataServerConfig:\n    secretsManagerProvider: kubernetes\n    secretsManagerLoader: env\n',
  );
  const resolved = join(dir, 'resolved.yaml');
  const r = await runCli(['ingestion', 'resolve', '-c', workflow, '--output-file', resolved], {
    env: { KUBERNETES_KUBECONFIG_PATH: kubeconfig, KUBERNETES_NAMESPACE: NS },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(readFileSync(resolved, 'utf8').includes(`password: "${value}"`), 'the reference was resolved');
  const server = new URL(kc.clusters[0].cluster.server);
  assert.ok(relay.connects.length > 0, 'the proxy was used');
  assert.deepEqual(new Set(relay.connects), new Set([`${server.hostname}:${server.port}`]));
});
