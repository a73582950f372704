/**
 * `omsm ingestion exec` against kube-emulator: the child gets the resolved config as a 0600 file
 * (OMSM_WORKFLOW_CONFIG and `{}`), its exit code comes back, the file is gone afterwards — also
 * when omsm is stopped by a signal — and an unresolvable reference means the child never runs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import {
  type IngestionFixture,
  SECRETS_NS,
  startIngestionFixture,
  workflowYaml,
} from './support/ingestion-emulator-fixture.js';
import { canary } from './support/canary.js';
import { OMSM_BIN, runCli } from './support/cli.js';
import { scanOutput } from './support/leak-guard.js';

let fx: IngestionFixture;
const password = canary();
const settings = { secretsManagerProvider: 'kubernetes', secretsManagerLoader: 'env' };

before(async () => {
  fx = await startIngestionFixture();
  await fx.putSecrets({ 'openmetadata-database-mysql-prod-password': password });
});
after(async () => fx?.close());

const env = () => ({ KUBERNETES_KUBECONFIG_PATH: fx.ingestKubeconfig, KUBERNETES_NAMESPACE: SECRETS_NS });

/**
 * A child that reports what it was handed (path, `{}` argument, mode) and copies the config to a
 * 0600 file for the test to compare, then exits with `code`.
 */
const CHILD = `
const fs = require('node:fs');
const [report, copy, code, arg] = process.argv.slice(1);
const path = process.env.OMSM_WORKFLOW_CONFIG;
const mode = fs.statSync(path).mode & 0o777;
fs.writeFileSync(copy, fs.readFileSync(path), { mode: 0o600 });
fs.writeFileSync(report, JSON.stringify({ path, arg, mode }));
process.exit(Number(code));
`;

test('the child reads the resolved config from a 0600 file, gets its exit code back, and the file is removed', async () => {
  const wf = fx.file(
    'wf.yaml',
    workflowYaml(settings, { authType: { password: 'secret:openmetadata-database-mysql-prod-password' } }),
  );
  const report = join(fx.dir, 'report.json');
  const copy = join(fx.dir, 'copy.yaml');
  const r = await runCli(
    ['ingestion', 'exec', '-c', wf, '--', process.execPath, '-e', CHILD, report, copy, '42', '{}'],
    { env: env() },
  );
  assert.equal(r.code, 42, r.stderr);
  const got = JSON.parse(readFileSync(report, 'utf8')) as { path: string; arg: string; mode: number };
  assert.equal(got.arg, got.path, '{} is replaced by the file path');
  assert.equal(got.mode, 0o600);
  assert.match(got.path, /omsm-workflow-[^/]+\/workflow\.yaml$/);
  assert.equal(existsSync(got.path), false, 'removed after the child ended');
  assert.equal(existsSync(join(got.path, '..')), false, 'its private directory too');
  assert.equal(parse(readFileSync(copy, 'utf8')).source.serviceConnection.config.authType.password, password);
});

test('exit code 0 passes through; an unresolvable reference means the command never runs (exit 1)', async () => {
  const report = join(fx.dir, 'report0.json');
  const ok = await runCli(
    [
      'ingestion',
      'exec',
      '-c',
      fx.file('ok.yaml', workflowYaml(settings, { p: 'secret:openmetadata-database-mysql-prod-password' })),
      '--',
      process.execPath,
      '-e',
      CHILD,
      report,
      join(fx.dir, 'copy0.yaml'),
      '0',
    ],
    { env: env() },
  );
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(existsSync(report));

  const never = join(fx.dir, 'never.json');
  const bad = await runCli(
    [
      'ingestion',
      'exec',
      '-c',
      fx.file('bad.yaml', workflowYaml(settings, { p: 'secret:missing-secret' })),
      '--',
      process.execPath,
      '-e',
      CHILD,
      never,
      join(fx.dir, 'never.yaml'),
      '0',
    ],
    { env: env() },
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /OMSM_ERR_SECRET_UNRESOLVED: cannot resolve secret:missing-secret/);
  assert.equal(existsSync(never), false, 'the command did not run');
});

test('SIGTERM to omsm is passed to the command, the file is removed, and the exit is 128+15', async () => {
  const wf = fx.file(
    'sig.yaml',
    workflowYaml(settings, { p: 'secret:openmetadata-database-mysql-prod-password' }),
  );
  const ready = join(fx.dir, 'ready.txt');
  const child = `
    const fs = require('node:fs');
    fs.writeFileSync(process.argv[1], process.env.OMSM_WORKFLOW_CONFIG);
    setInterval(() => {}, 1000);
  `;
  const omsm = spawn(
    process.execPath,
    [OMSM_BIN, 'ingestion', 'exec', '-c', wf, '--', process.execPath, '-e', child, ready],
    {
      env: { ...process.env, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  omsm.stdout.on('data', (d) => {
    out += d;
  });
  omsm.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => omsm.on('close', (code) => resolve(code)));
  const started = () => existsSync(ready) && readFileSync(ready, 'utf8') !== '';
  for (let i = 0; i < 600 && !started(); i++) await sleep(100);
  assert.ok(started(), 'the command started');
  const handedOver = readFileSync(ready, 'utf8');
  assert.ok(existsSync(handedOver));
  omsm.kill('SIGTERM');
  const code = await exited;
  scanOutput('omsm ingestion exec (signal test)', out);
  assert.equal(code, 143, out);
  assert.equal(existsSync(handedOver), false, 'removed after the signal');
});
