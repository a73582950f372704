/**
 * What a command loads, checked on the real CLI run with a module-recording hook:
 * - a production `omsm serve` (the kubernetes provider against a kube-emulator this test starts,
 *   not `--embedded`) never loads the emulator nor its libraries (@peculiar/x509 for the PKI,
 *   protobufjs for the wire format);
 * - `omsm ingestion resolve`, what every ingestion run starts with, loads neither the server nor
 *   the config schema (zod) nor the `yaml` document model: each is start-up time the command
 *   does not need (docs/benchmarks.md, "Cold start").
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { KubeEmulator } from '../src/emulator/index.js';
import { OMSM_BIN } from './support/cli.js';
import { seedSecret } from './support/ingestion-emulator-fixture.js';
import { run, start } from './support/spawn.js';
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

/**
 * Asserts that each `loaded` pattern matched some module (so the recorder demonstrably worked)
 * and that no module matched a `notLoaded` pattern; the failure lists the offending modules.
 */
function assertLoads(
  modules: readonly string[],
  want: { loaded: Record<string, RegExp>; notLoaded: readonly RegExp[] },
): void {
  for (const [what, pattern] of Object.entries(want.loaded)) {
    assert.ok(
      modules.some((m) => pattern.test(m)),
      `${what} was recorded`,
    );
  }
  const forbidden = modules.filter((m) => want.notLoaded.some((p) => p.test(m)));
  assert.deepEqual([...new Set(forbidden)], []);
}

/**
 * Runs `omsm serve -c config` with the recorder until /healthz answers; returns what it loaded.
 * The port and the database go into the file: SERVER_PORT and OM_DATABASE only apply through a
 * `${...}` placeholder in it, as upstream reads them.
 */
async function serveAndRecord(config: string): Promise<string[]> {
  appendFileSync(
    config,
    `server:\n  port: 0\ndatabase:\n  scheme: sqlite\n  name: ${join(dir, 'omsm.db')}\n`,
  );
  const record = join(dir, 'modules.txt');
  const serve = start(process.execPath, ['--import', RECORDER, OMSM_BIN, 'serve', '-c', config], {
    env: { OMSM_RECORD_MODULES: record, OMSM_LOG_LEVEL: 'warn' },
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
  assertLoads(loaded, {
    loaded: {
      'the server': /\/(src|dist)\/server\/main\.[jt]s$/,
      'the kubernetes module': /\/(src|dist)\/kubernetes\/module\.[jt]s$/,
      'client-node': /@kubernetes\/client-node/,
    },
    notLoaded: [
      /\/(src|dist)\/emulator\//,
      /\/(src|dist)\/cli\/embedded\.[jt]s$/,
      /@peculiar\/x509/,
      /\/protobufjs\//,
    ],
  });
});

test('ingestion resolve loads neither the server, nor zod, nor the yaml document model', async () => {
  const value = 'serve-loads-resolve-value';
  await emu.apply([seedSecret('openmetadata-database-loads-password', NS, value)]);
  const workflow = join(dir, 'workflow.yaml');
  writeFileSync(
    workflow,
    [
      '# a comment the resolved file keeps',
      'source:',
      '  serviceConnection:',
      '    config:',
      '      password: secret:openmetadata-database-loads-password',
      'workflowConfig:',
      '  openMetadataServerConfig:',
      '    secretsManagerProvider: kubernetes',
      '    secretsManagerLoader: env',
      '',
    ].join('\n'),
  );
  const record = join(dir, 'resolve-modules.txt');
  const resolved = join(dir, 'resolved.yaml');
  const r = await run(
    process.execPath,
    ['--import', RECORDER, OMSM_BIN, 'ingestion', 'resolve', '-c', workflow, '--output-file', resolved],
    {
      env: {
        OMSM_RECORD_MODULES: record,
        KUBERNETES_KUBECONFIG_PATH: await emu.writeServiceAccountKubeconfig(NS, SA),
        KUBERNETES_NAMESPACE: NS,
      },
    },
  );
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(resolved, 'utf8');
  assert.ok(text.startsWith('# a comment the resolved file keeps\n'), 'the comment was kept');
  assert.ok(text.includes(`password: "${value}"`), 'the reference was resolved');
  const loaded = withBundledInputs(readFileSync(record, 'utf8').split('\n').filter(Boolean));
  assertLoads(loaded, {
    loaded: {
      'the resolver': /\/(src|dist)\/ingestion\/resolver\.[jt]s$/,
      'client-node': /@kubernetes\/client-node/,
    },
    notLoaded: [
      /\/(src|dist)\/(server|emulator)\//,
      /\/(src|dist)\/core\/config\/config-schema\.[jt]s$/,
      /\/node_modules\/(zod|yaml|fastify)\//,
    ],
  });
});
