/**
 * `omsm kube-emulator` as a user runs it: foreground process, prints the URL and the admin
 * kubeconfig, serves kubectl, keeps state across a restart, and stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

function startCli(
  args: string[],
): Promise<{ child: ChildProcess; url: string; kubeconfig: string; out: () => string }> {
  const child = spawn(process.execPath, ['bin/omsm.js', 'kube-emulator', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  child.stderr!.on('data', (c) => {
    out += c;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kube-emulator did not start:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      const url = /listening on (https:\/\/\S+)/.exec(out)?.[1];
      const kubeconfig = /export KUBECONFIG=(\S+)/.exec(out)?.[1];
      if (url && kubeconfig) {
        clearTimeout(timer);
        resolve({ child, url, kubeconfig, out: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

function kubectl(
  kubeconfig: string,
  cache: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--request-timeout=20s', ...args],
      { env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: cache }, encoding: 'utf8' },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) || 1 : 0, stdout, stderr }),
    );
  });
}

test('omsm kube-emulator serves kubectl, keeps state across restarts, exits 0 on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
  const state = join(dir, 'state.json');
  const first = await startCli(['--dir', dir, '--state', state, '--namespace', 'cli']);
  assert.match(first.out(), /admin kubeconfig: /);
  const c = await kubectl(first.kubeconfig, join(dir, 'cache1'), [
    'create',
    'secret',
    'generic',
    'kept',
    '-n',
    'cli',
    '--from-literal=a=b',
  ]);
  assert.equal(c.code, 0, c.stderr);
  const port = new URL(first.url).port;
  assert.equal(await stop(first.child), 0);
  assert.match(first.out(), /kube-emulator stopped/);

  const second = await startCli(['--dir', dir, '--state', state, '--port', port]);
  try {
    const g = await kubectl(second.kubeconfig, join(dir, 'cache2'), [
      'get',
      'secret',
      'kept',
      '-n',
      'cli',
      '-o',
      'name',
    ]);
    assert.equal(g.stdout.trim(), 'secret/kept', g.stderr);
  } finally {
    assert.equal(await stop(second.child), 0);
  }
});
