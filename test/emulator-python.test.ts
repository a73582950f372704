/**
 * kube-emulator with the official Python client (Debian python3-kubernetes under /usr/bin/python3):
 * a small script loads the admin kubeconfig, then creates, reads, lists, patches (a dict → strategic
 * merge patch), replaces and deletes a Secret, watches with `watch=True`, and reads an error Status.
 * It prints one JSON document of results (names, types, flags — never secret values) that the test
 * asserts; values are compared inside the script.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type KubeEmulator, startEmulator } from '../src/emulator/index.js';
import { PYTHON, pythonKubernetesSkip } from './support/python-kubernetes.js';
import { run } from './support/spawn.js';
const NS = 'py-secrets';

const SCRIPT = String.raw`
import base64, json, sys, threading, time
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
ns = sys.argv[2]
out = {}
b64 = lambda s: base64.b64encode(s.encode()).decode()

start_rv = v1.list_namespaced_secret(ns).metadata.resource_version

body = client.V1Secret(metadata=client.V1ObjectMeta(name="py-s", labels={"app": "py"}), string_data={"k": "v1"})
created = v1.create_namespaced_secret(ns, body)
out["created"] = {"name": created.metadata.name, "type": created.type, "value_ok": created.data == {"k": b64("v1")},
                  "has_string_data": created.string_data is not None, "manager": created.metadata.managed_fields[0].manager}

read = v1.read_namespaced_secret("py-s", ns)
out["read"] = {"uid_same": read.metadata.uid == created.metadata.uid, "rv": read.metadata.resource_version}

lst = v1.list_namespaced_secret(ns, label_selector="app=py")
out["list"] = {"names": [i.metadata.name for i in lst.items], "rv_set": bool(lst.metadata.resource_version)}
out["list_none"] = len(v1.list_namespaced_secret(ns, label_selector="app notin (py)").items)

patched = v1.patch_namespaced_secret("py-s", ns, {"metadata": {"labels": {"tier": "db"}}, "data": {"n": b64("x")}})
out["patched"] = {"labels": patched.metadata.labels, "keys": sorted(patched.data.keys()),
                  "rv_bumped": patched.metadata.resource_version != read.metadata.resource_version}

patched.data["k"] = b64("v2")
replaced = v1.replace_namespaced_secret("py-s", ns, patched)
out["replaced"] = {"value_ok": replaced.data["k"] == b64("v2")}

try:
    patched.metadata.resource_version = read.metadata.resource_version
    v1.replace_namespaced_secret("py-s", ns, patched)
    out["stale"] = None
except ApiException as e:
    out["stale"] = {"status": e.status, "reason": json.loads(e.body)["reason"], "message": json.loads(e.body)["message"]}

try:
    v1.create_namespaced_secret(ns, client.V1Secret(metadata=client.V1ObjectMeta(name="Bad_Name"), data={}))
    out["invalid"] = None
except ApiException as e:
    st = json.loads(e.body)
    out["invalid"] = {"status": e.status, "reason": st["reason"], "field": st["details"]["causes"][0]["field"]}

deleted = v1.delete_namespaced_secret("py-s", ns)
out["deleted"] = {"status": deleted.status, "name": deleted.details.name, "kind": deleted.details.kind}

try:
    v1.read_namespaced_secret("py-s", ns)
    out["after_delete"] = None
except ApiException as e:
    out["after_delete"] = {"status": e.status, "message": json.loads(e.body)["message"]}

events = []
w = watch.Watch()
for ev in w.stream(v1.list_namespaced_secret, ns, resource_version=start_rv, timeout_seconds=2):
    events.append([ev["type"], ev["object"].metadata.name])
    if ev["type"] == "DELETED":
        w.stop()
out["watch"] = events

print(json.dumps(out))
`;

function runPython(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(PYTHON, args, { timeoutMs: 45_000, scan: 'none' }).then((r) => ({
    code: r.code ?? 1,
    stdout: r.stdout,
    stderr: r.stderr,
  }));
}

describe('kube-emulator with the Python kubernetes client', { skip: pythonKubernetesSkip() }, () => {
  let emu: KubeEmulator;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emu-python-'));
    emu = await startEmulator({ namespaces: [NS] });
  });
  after(async () => {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('CRUD, label list, strategic-merge patch, conflicts, errors and watch=True', async () => {
    const script = join(dir, 'client.py');
    writeFileSync(script, SCRIPT);
    const r = await runPython([script, emu.kubeconfigPath, NS]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.created, {
      name: 'py-s',
      type: 'Opaque',
      value_ok: true,
      has_string_data: false,
      manager: 'OpenAPI-Generator',
    });
    assert.equal(out.read.uid_same, true);
    assert.deepEqual(out.list, { names: ['py-s'], rv_set: true });
    assert.equal(out.list_none, 0);
    assert.deepEqual(out.patched, { labels: { app: 'py', tier: 'db' }, keys: ['k', 'n'], rv_bumped: true });
    assert.deepEqual(out.replaced, { value_ok: true });
    assert.deepEqual(out.stale, {
      status: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on secrets "py-s": the object has been modified; please apply your changes to the latest version and try again',
    });
    assert.deepEqual(out.invalid, { status: 422, reason: 'Invalid', field: 'metadata.name' });
    assert.deepEqual(out.deleted, { status: 'Success', name: 'py-s', kind: 'secrets' });
    assert.deepEqual(out.after_delete, { status: 404, message: 'secrets "py-s" not found' });
    assert.deepEqual(out.watch, [
      ['ADDED', 'py-s'],
      ['MODIFIED', 'py-s'],
      ['MODIFIED', 'py-s'],
      ['DELETED', 'py-s'],
    ]);
  });
});
