/**
 * Running the server for real: SIGTERM drains an in-flight request before closing (in process,
 * with a provider held mid-write), and `omsm serve --embedded` as a user runs it: the banner's URL,
 * admin token, curl example and kubectl line work, state survives a restart, and `omsm token admin
 * --embedded` mints a working token.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { start } from './support/spawn.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/core/config/load-config.js';
import type { SecretId } from '../src/core/naming/secret-name.js';
import { createInMemoryProvider } from '../src/core/providers/in-memory-provider.js';
import { assembleDeps } from '../src/server/assemble.js';
import { startServer } from '../src/server/main.js';
import { canary } from './support/canary.js';
import { OMSM_BIN, runCli } from './support/cli.js';
import { scanOutput } from './support/leak-guard.js';

test('SIGTERM lets an in-flight create finish, then closes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-main-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const inner = createInMemoryProvider();
  let entered!: () => void;
  const inStore = new Promise<void>((r) => {
    entered = r;
  });
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const slow = Object.assign(Object.create(inner), {
    async store(id: SecretId, value: string) {
      if (id.name.includes('inflight')) {
        entered();
        await gate;
      }
      return inner.store(id, value);
    },
  });
  const config = loadConfig({
    env: { SECRET_MANAGER: 'in-memory', OM_DATABASE: join(dir, 'omsm.db'), OM_JWT_SECRET: 'k'.repeat(40) },
  });
  const deps = await assembleDeps(config, { provider: slow });
  const running = await startServer(deps, { host: '127.0.0.1', port: 0, handleSignals: true });
  const { token } = await running.app.auth.mint({ sub: 'admin', role: 'admin' });
  const pending = fetch(`${running.url}/api/v1/services/databaseServices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'inflight',
      serviceType: 'Mysql',
      connection: {
        config: { type: 'Mysql', username: 'u', hostPort: 'h:1', authType: { password: canary() } },
      },
    }),
  });
  await inStore;
  process.emit('SIGTERM', 'SIGTERM');
  let closed = false;
  void running.closed.then(() => {
    closed = true;
  });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(closed, false, 'still draining while the request is in flight');
  release();
  const res = await pending;
  assert.equal(res.status, 201);
  await running.closed;
  await assert.rejects(fetch(`${running.url}/healthz`));
});

function startServe(args: string[], env: NodeJS.ProcessEnv) {
  const serve = start(process.execPath, [OMSM_BIN, 'serve', ...args], { env, label: 'serve', scan: 'none' });
  // The banner's last line; a process that dies first resolves with what it printed.
  const ready = serve.waitFor(/kubectl --kubeconfig .* -o jsonpath/).catch(() => serve.output().stdout);
  return { child: serve.child, ready, exited: serve.exited, output: serve.output };
}

test('omsm serve --embedded: banner, curl example, kubectl, restart, token admin', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-embedded-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { SERVER_PORT: '0', OMSM_LOG_LEVEL: 'warn' };
  const first = startServe(['--embedded', '--data-dir', join(dir, 'data')], env);
  t.after(() => first.child.kill('SIGKILL'));
  const banner = await first.ready;
  const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1];
  const token = /export TOKEN=(\S+)/.exec(banner)?.[1];
  const kubeconfig = /kubeconfig \(admin\): (\S+)/.exec(banner)?.[1];
  assert.ok(url && token && kubeconfig, banner.replace(/eyJ\S+/g, '<jwt>'));
  const curlBody = /-d '(\{.*\})'/.exec(banner)?.[1];
  assert.ok(curlBody);
  const pw = canary();
  const res = await fetch(`${url}/api/v1/services/databaseServices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: curlBody.replace('change-me', pw),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const kubectl = spawnSync(
    'kubectl',
    [
      '--kubeconfig',
      kubeconfig,
      'get',
      'secret',
      'openmetadata-database-my-service-authtype-password',
      '-o',
      'jsonpath={.metadata.labels.managed-by} {.data.value}',
    ],
    { encoding: 'utf8', env: { ...process.env, KUBECACHEDIR: join(dir, 'kubecache') } },
  );
  assert.equal(kubectl.status, 0, kubectl.stderr);
  const [managedBy, b64] = kubectl.stdout.trim().split(' ');
  assert.equal(managedBy, 'openmetadata-secrets-manager');
  assert.equal(Buffer.from(b64!, 'base64').toString('utf8'), pw);
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);
  scanOutput('serve stdout/stderr', JSON.stringify(first.output()));

  // restart: no new token printed; `token admin --embedded` mints one; the service and Secret are still there
  const second = startServe(['--embedded', '--data-dir', join(dir, 'data')], env);
  t.after(() => second.child.kill('SIGKILL'));
  const banner2 = await second.ready;
  assert.doesNotMatch(banner2, /export TOKEN=eyJ/);
  const url2 = /listening on (http:\/\/\S+)/.exec(banner2)?.[1];
  const minted = await runCli(['token', 'admin', '--embedded', '--data-dir', join(dir, 'data')]);
  assert.equal(minted.code, 0, minted.stderr);
  const got = await fetch(`${url2}/api/v1/services/databaseServices/name/my_service`, {
    headers: { authorization: `Bearer ${minted.stdout.trim()}` },
  });
  assert.equal(got.status, 200);
  const body = (await got.json()) as { connection: { config: { authType: { password: string } } } };
  assert.equal(body.connection.config.authType.password, '*********');
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
});

test('serve on a port that is taken: OMSM_ERR_SERVER_LISTEN naming the address and the keys, and it exits', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-listen-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  t.after(() => taken.close());
  const { port } = taken.address() as AddressInfo;
  const r = await runCli(['serve', '--embedded', '--data-dir', join(dir, 'data'), '--port', String(port)], {
    env: { OMSM_LOG_LEVEL: 'warn' },
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`OMSM_ERR_SERVER_LISTEN: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`),
  );
  assert.match(r.stderr, /fix: .*server\.port .*SERVER_PORT.*--port/);
  assert.doesNotMatch(r.stderr, /OMSM_ERR_INTERNAL/);
});
