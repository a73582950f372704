/**
 * kube-emulator with the official Python client (Debian python3-kubernetes): create with
 * string_data, strategic-merge patch (Python's default for dicts), replace, list with a label
 * selector, watch (sends `watch=True`), delete, 404.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startEmulator } from '../src/emulator/index.js';

const PY = '/usr/bin/python3';
const hasClient = spawnSync(PY, ['-c', 'import kubernetes'], { stdio: 'ignore' }).status === 0;

const SCRIPT = `
import sys
from kubernetes import client, config, watch
config.load_kube_config(sys.argv[1])
v1 = client.CoreV1Api()
s = v1.create_namespaced_secret('py', client.V1Secret(metadata=client.V1ObjectMeta(name='p1', labels={'a': 'b'}), string_data={'k': 'v'}))
print('created', s.metadata.name, s.type)
s = v1.patch_namespaced_secret('p1', 'py', {'metadata': {'labels': {'c': 'd'}}})
print('patched', ','.join(sorted(s.metadata.labels)))
s.data['k2'] = 'djI='
s = v1.replace_namespaced_secret('p1', 'py', s)
print('replaced', ','.join(sorted(s.data)))
print('list', ','.join(x.metadata.name for x in v1.list_namespaced_secret('py', label_selector='a=b').items))
for ev in watch.Watch().stream(v1.list_namespaced_secret, 'py', timeout_seconds=1):
    print('event', ev['type'], ev['object'].metadata.name)
print('deleted', v1.delete_namespaced_secret('p1', 'py').status)
try:
    v1.read_namespaced_secret('p1', 'py')
except client.exceptions.ApiException as e:
    print('missing', e.status)
`;

test('python3-kubernetes CRUD, patch, list, watch against the emulator', {
  skip: hasClient ? false : 'python3-kubernetes not installed',
}, async () => {
  const emu = await startEmulator({ namespaces: ['py'] });
  try {
    const script = join(mkdtempSync(join(tmpdir(), 'emu-py-')), 'client.py');
    writeFileSync(script, SCRIPT);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(PY, [script, emu.kubeconfigPath], { encoding: 'utf8' }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    assert.deepEqual(out.trim().split('\n'), [
      'created p1 Opaque',
      'patched a,c',
      'replaced k,k2',
      'list p1',
      'event ADDED p1',
      'deleted Success',
      'missing 404',
    ]);
  } finally {
    await emu.close();
  }
});
