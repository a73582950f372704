/**
 * Upstream's Python ingestion can read what omsm writes: the official Python client (Debian
 * python3-kubernetes under /usr/bin/python3), authenticated as the get-only ingestion
 * ServiceAccount, reads a Secret the omsm kubernetes provider stored, and decodes the same value
 * (compared by SHA-256, so the value is never printed). Skipped with a notice where python3 or the
 * client is missing, and failed instead when CI=true.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { secretId } from '../src/core/naming/secret-name.js';
import { createKubernetesProvider } from '../src/kubernetes/index.js';
import {
  type IngestionFixture,
  SECRETS_NS,
  startIngestionFixture,
} from './support/ingestion-emulator-fixture.js';
import { canary } from './support/canary.js';
import { scanOutput } from './support/leak-guard.js';
import { PYTHON, pythonKubernetesSkip } from './support/python-kubernetes.js';
import { run } from './support/spawn.js';

const skip = pythonKubernetesSkip();

const SCRIPT = `
import base64, hashlib, json, sys
from kubernetes import client, config
config.load_kube_config(config_file=sys.argv[1])
s = client.CoreV1Api().read_namespaced_secret(sys.argv[2], sys.argv[3], _request_timeout=30)
# What upstream's KubernetesSecretsManager does: data["value"], base64, UTF-8.
value = base64.b64decode(s.data["value"]).decode("utf-8")
print(json.dumps({"sha256": hashlib.sha256(value.encode("utf-8")).hexdigest(), "labels": s.metadata.labels, "type": s.type}))
`;

let fx: IngestionFixture;
before(async () => {
  if (!skip) fx = await startIngestionFixture();
});
after(async () => fx?.close());

test('the official Python client reads a Secret omsm wrote and gets the same value', { skip }, async () => {
  const value = canary(' pässwörd ✓ 🔑\nwith a newline');
  const id = secretId({ prefix: '', clusterName: 'openmetadata' }, ['database', 'mysql_prod', 'password']);
  const writer = await createKubernetesProvider({
    connection: { inCluster: false, kubeconfigPath: fx.emu.kubeconfigPath, namespace: SECRETS_NS },
    accessCheck: 'off',
  });
  let stored: string;
  try {
    stored = await writer.store(id, value, { hint: 'new' });
  } finally {
    await writer.close();
  }
  assert.equal(stored, `secret:${id.name}`);
  const script = fx.file('read_secret.py', SCRIPT);
  fx.emu.clearAudit();
  // Asynchronously: the emulator answers from this very process.
  const r = await runPython([script, fx.ingestKubeconfig, id.name, SECRETS_NS]);
  scanOutput('python stdout', r.stdout);
  scanOutput('python stderr', r.stderr);
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { sha256: string; labels: Record<string, string>; type: string };
  assert.equal(got.sha256, createHash('sha256').update(value, 'utf8').digest('hex'));
  assert.equal(got.labels.app, 'openmetadata');
  assert.equal(got.labels['managed-by'], 'openmetadata-secrets-manager');
  assert.equal(got.type, 'Opaque');
  const py = fx.emu.audit().filter((e) => e.user === fx.ingestUser);
  assert.deepEqual(
    py.map((e) => `${e.verb} ${e.resource} ${e.code}`),
    ['get secrets 200'],
    'the Python client needed only get',
  );
});

function runPython(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return run(PYTHON, args, { scan: 'none' }).then((r) => ({
    status: r.code,
    stdout: r.stdout,
    stderr: r.stderr,
  }));
}
