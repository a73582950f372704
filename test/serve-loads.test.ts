/**
 * A production `omsm serve` (the kubernetes provider against a kube-emulator this test starts, not
 * `--embedded`) never loads the emulator nor its libraries (@peculiar/x509 for the PKI, protobufjs
 * for the wire format): the real CLI runs with a module-recording hook, answers /healthz, stops,
 * and the recorded module list is inspected.
 */
import assert from 'node:assert/strict';
import { start } from './support/spawn.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { KubeEmulator } from '../src/emulator/index.js';
import { OMSM_BIN } from './support/cli.js';
import { NS, SA, startSeededEmulator, writeKubernetesConfig } from './support/kubernetes-fixture.js';

const RECORDER = fileURLToPath(new URL('./support/record-modules.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'omsm-serve-loads-'));
let emu: KubeEmulator;

before(async () => {
  emu = await startSeededEmulator();
});
after(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

const BUNDLE_META = fileURLToPath(new URL('../dist/bundle.meta.json', import.meta.url));

/**
 * The recorded modules plus, for each chunk of the CLI bundle (dist/bundle/) among them, the
 * source and dependency modules esbuild put into it (its metafile), as `/src/...` and
 * `/node_modules/...` paths: the bundle loads chunks, and what a chunk holds is what was loaded.
 */
function withBundledInputs(loaded: readonly string[]): string[] {
  const meta = JSON.parse(readFileSync(BUNDLE_META, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const out = [...loaded];
  for (const m of loaded) {
    const at = m.lastIndexOf('/dist/bundle/');
    const chunk = at < 0 ? undefined : meta.outputs[m.slice(at + 1)];
    if (chunk) out.push(...Object.keys(chunk.inputs).map((i) => `/${i}`));
  }
  return out;
}

/** Runs `omsm serve -c config` with the recorder until /healthz answers; returns what it loaded. */
async function serveAndRecord(config: string): Promise<string[]> {
  const record = join(dir, 'modules.txt');
  const serve = start(process.execPath, ['--import', RECORDER, OMSM_BIN, 'serve', '-c', config], {
    env: {
      OMSM_RECORD_MODULES: record,
      SERVER_PORT: '0',
      DB_SCHEME: 'sqlite',
      OM_DATABASE: join(dir, 'omsm.db'),
      OMSM_LOG_LEVEL: 'warn',
    },
    label: 'serve',
  });
  try {
    const stdout = await serve.waitFor(/listening on http:\/\/\S+/);
    const url = /listening on (http:\/\/\S+)/.exec(stdout)![1];
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.match(stdout, new RegExp(`secrets: +kubernetes \\(namespace ${NS}`));
  } finally {
    serve.child.kill('SIGTERM');
  }
  assert.equal(await serve.exited, 0, serve.output().stderr);
  return readFileSync(record, 'utf8').split('\n').filter(Boolean);
}

test('a production serve never loads the emulator, its PKI or its protobuf library', async () => {
  const kubeconfig = await emu.writeServiceAccountKubeconfig(NS, SA);
  const loaded = withBundledInputs(await serveAndRecord(writeKubernetesConfig(kubeconfig)));
  // The recorder works: the server, the kubernetes module and its client library were loaded.
  assert.ok(
    loaded.some((m) => /\/(src|dist)\/server\/main\.[jt]s$/.test(m)),
    'the server was recorded',
  );
  assert.ok(
    loaded.some((m) => /\/(src|dist)\/kubernetes\/module\.[jt]s$/.test(m)),
    'the kubernetes module was recorded',
  );
  assert.ok(
    loaded.some((m) => m.includes('@kubernetes/client-node')),
    'client-node was recorded',
  );
  const forbidden = loaded.filter(
    (m) =>
      /\/(src|dist)\/emulator\//.test(m) ||
      /\/(src|dist)\/cli\/embedded\.[jt]s$/.test(m) ||
      m.includes('@peculiar/x509') ||
      m.includes('/protobufjs/'),
  );
  assert.deepEqual([...new Set(forbidden)], []);
});
