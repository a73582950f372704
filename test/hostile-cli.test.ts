/**
 * Hostile names through the CLI, the way a user types them: `omsm secret-name` with injection
 * characters in its parts (always a valid DNS-1123 name or exit 2), and `omsm secrets get|put|delete`
 * with names that try path traversal, URL encoding, CR/LF or a huge length — each refused with exit
 * 2 before any Kubernetes request (the emulator's audit log stays empty), never a crash.
 * NUL cannot be passed in argv (the OS refuses it), so it is checked through the API tests instead.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeEmulator } from '../src/emulator/index.js';
import { canary } from './support/canary.js';
import { runCli } from './support/cli.js';
import { NS, SA, startSeededEmulator, writeKubernetesConfig } from './support/kubernetes-fixture.js';

let emu: KubeEmulator;
let config: string;

before(async () => {
  emu = await startSeededEmulator();
  const kubeconfig = await emu.writeServiceAccountKubeconfig(NS, SA);
  config = writeKubernetesConfig(kubeconfig);
});
after(async () => {
  await emu?.close();
});

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

test('secret-name: injection characters in parts give a valid DNS-1123 name, or exit 2', async () => {
  const cases: string[][] = [
    ['database', 'svc\r\nX-Injected: 1', 'password'],
    ['database', '../../etc/passwd', 'password'],
    ['database', 'a%2Fb%2F..', 'password'],
    ['database', '$(touch /tmp/pwned)', '`id`'],
    ['database', 'x'.repeat(100_000), 'password'],
    ['___', '---'],
  ];
  const results = await Promise.all(cases.map((parts) => runCli(['secret-name', '--', ...parts])));
  for (const [i, parts] of cases.entries()) {
    const r = results[i]!;
    const label = JSON.stringify(parts.map((p) => p.slice(0, 30)));
    if (r.code === 0) {
      const name = r.stdout.trim();
      assert.match(name, DNS1123, `${label}: ${JSON.stringify(name.slice(0, 80))}`);
      assert.ok(name.length <= 253, `${label}: ${name.length} characters`);
      assert.equal(r.stdout.split('\n').filter(Boolean).length, 1, `${label}: one line only`);
    } else {
      assert.equal(r.code, 2, `${label}: ${r.stderr.slice(0, 200)}`);
      assert.match(r.stderr, /OMSM_ERR_NAME_EMPTY/);
    }
  }
});

test('secrets get/put/delete: hostile names exit 2 before any Kubernetes request', async () => {
  const names = [
    '../other-namespace/secret',
    'secret:../x',
    'a%2Fb',
    'svc\r\nX-Injected: 1',
    'secret:secret:x',
    'n'.repeat(10_000),
    '-leading-dash',
  ];
  // Every name through `get`; `put` and `delete` for a few (each run spawns a process).
  const runs = [
    ...names.map((name) => ({ verb: 'get' as const, name })),
    { verb: 'put' as const, name: names[0]! },
    { verb: 'put' as const, name: names[3]! },
    { verb: 'delete' as const, name: names[1]! },
  ];
  emu.clearAudit();
  for (let i = 0; i < runs.length; i += 4) {
    const batch = runs.slice(i, i + 4);
    const results = await Promise.all(
      batch.map(({ verb, name }) =>
        runCli(['secrets', verb, '-c', config, '--', name], {
          input: verb === 'put' ? canary() : '',
          stdoutHasSecrets: verb === 'get',
        }),
      ),
    );
    for (const [j, { verb, name }] of batch.entries()) {
      const r = results[j]!;
      const label = `secrets ${verb} ${JSON.stringify(name.slice(0, 40))}`;
      assert.equal(r.code, 2, `${label}: exit ${r.code} ${r.stderr.slice(0, 200)}`);
      assert.match(r.stderr, /OMSM_ERR_(REFERENCE_INVALID|NAME_INVALID|USAGE)/, label);
      assert.equal(r.stdout, '', `${label}: printed something`);
      assert.ok(r.stderr.length < 4096, `${label}: ${r.stderr.length} bytes of stderr`);
    }
  }
  const calls = emu.audit().filter((e) => e.resource === 'secrets');
  assert.equal(calls.length, 0, `${calls.length} Kubernetes Secret requests for refused names`);
});
