/**
 * `omsm secrets put|get|delete` as a user runs them (the real binary, a config file, kube-emulator
 * over HTTPS, the server's ServiceAccount (docs/contract.md#rbac)): value from stdin, printed only by `get`, ownership rules.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeEmulator } from '../src/emulator/index.js';
import { canary } from './support/canary.js';
import { OMSM_BIN, runCli } from './support/cli.js';
import { scanOutput } from './support/leak-guard.js';
import { spawn } from 'node:child_process';
import {
  NS,
  SA,
  provider,
  startSeededEmulator,
  writeKubernetesConfig,
} from './support/kubernetes-fixture.js';

let emu: KubeEmulator;
let config: string;
let kubeconfig: string;

before(async () => {
  emu = await startSeededEmulator();
  kubeconfig = await emu.writeServiceAccountKubeconfig(NS, SA);
  config = writeKubernetesConfig(kubeconfig);
});
after(async () => {
  await emu?.close();
});

test('put reads stdin, get prints the value, delete removes it', async () => {
  const v = canary('-✓');
  const put = await runCli(['secrets', 'put', 'cli-made-secret', '-c', config], { input: `${v}\n` });
  assert.equal(put.code, 0, put.stderr);
  assert.equal(put.stdout, 'secret:cli-made-secret\n');
  const get = await runCli(['secrets', 'get', 'secret:cli-made-secret', '-c', config], {
    stdoutHasSecrets: true,
  });
  assert.equal(get.code, 0, get.stderr);
  assert.ok(get.stdout === `${v}\n`, 'get prints the stored value (trailing newline of the input dropped)');
  const del = await runCli(['secrets', 'delete', 'cli-made-secret', '-c', config]);
  assert.equal(del.code, 0, del.stderr);
  const gone = await runCli(['secrets', 'get', 'cli-made-secret', '-c', config], { stdoutHasSecrets: true });
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /OMSM_ERR_SECRET_NOT_FOUND/);
});

test('a Secret omsm does not manage is read but never overwritten or deleted', async () => {
  const theirs = canary();
  await emu.apply([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'someone-elses', namespace: NS },
      data: { value: Buffer.from(theirs).toString('base64') },
    },
  ]);
  const get = await runCli(['secrets', 'get', 'someone-elses', '-c', config], { stdoutHasSecrets: true });
  assert.ok(get.code === 0 && get.stdout === `${theirs}\n`);
  const put = await runCli(['secrets', 'put', 'someone-elses', '-c', config], { input: canary() });
  assert.equal(put.code, 1);
  assert.match(put.stderr, /OMSM_ERR_SECRET_NOT_OURS/);
  assert.match(put.stderr, /someone-elses/);
  const del = await runCli(['secrets', 'delete', 'someone-elses', '-c', config]);
  assert.equal(del.code, 1);
  assert.match(del.stderr, /OMSM_ERR_SECRET_NOT_OURS/);
  const p = await provider(kubeconfig, { readOnly: true });
  assert.ok((await p.get('secret:someone-elses')) === theirs, 'unchanged');
  await p.close();
});

test('usage errors change nothing and exit 2', async () => {
  const empty = await runCli(['secrets', 'put', 'empty-one', '-c', config], { input: '' });
  assert.equal(empty.code, 2);
  const bad = await runCli(['secrets', 'put', 'Bad_Name', '-c', config], { input: canary() });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /OMSM_ERR_REFERENCE_INVALID/);
  const noValueArg = await runCli(['secrets', 'put', 'x', 'value-in-argv', '-c', config], {
    input: canary(),
  });
  assert.equal(noValueArg.code, 2, 'a value is never taken from argv');
});

test('on a terminal, put prompts with echo off', async () => {
  const v = canary();
  // `script` gives the command a pseudo-terminal; the value is typed once the prompt shows.
  const cmd = [process.execPath, OMSM_BIN, 'secrets', 'put', 'typed-secret', '-c', config]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const child = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let typed = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    if (!typed && out.includes('input hidden')) {
      typed = true;
      child.stdin.write(`${v}\r`);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  scanOutput('omsm secrets put (terminal)', out);
  assert.ok(typed, 'the prompt was shown');
  assert.equal(code, 0);
  assert.ok(!out.includes(v), 'the typed value is not echoed');
  assert.match(out, /secret:typed-secret/);
  const p = await provider(kubeconfig, { readOnly: true });
  assert.ok((await p.get('secret:typed-secret')) === v, 'the typed value was stored');
  await p.close();
});
