/**
 * `/metrics` as Prometheus scrapes it, on a server assembled as `omsm serve` assembles it
 * (assembleDeps opens the kubernetes provider on kube-emulator over HTTPS): the Node process
 * metrics, request metrics by route pattern, secret operations by verb and outcome with readiness
 * probes counted apart, and the Kubernetes API calls, their latency and their retries (a 5xx
 * injected by the emulator). The scrape uses the metrics-only token, which may read nothing else.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/core/config/load-config.js';
import type { KubeEmulator } from '../src/emulator/index.js';
import { buildServer } from '../src/server/app.js';
import { assembleDeps } from '../src/server/assemble.js';
import { canary } from './support/canary.js';
import { freshDatabase } from './support/database-dialects.js';
import { mysqlService } from './support/server-payloads.js';
import { startTestEmulator } from './support/test-server.js';

const NS = 'omsm-metrics';
const SCRAPE = 'metrics-scrape-token-0123456789';
let emulator: KubeEmulator;
let app: FastifyInstance;
let admin: { authorization: string };
const closers: (() => Promise<unknown>)[] = [];

before(async () => {
  const started = await startTestEmulator([NS]);
  emulator = started.emulator;
  closers.push(() => emulator.close());
  const db = await freshDatabase('sqlite');
  closers.push(() => db.drop());
  const config = {
    ...loadConfig({
      env: {
        SECRET_MANAGER: 'kubernetes',
        OM_SM_KUBECONFIG_PATH: started.kubeconfigs.get(NS)!,
        OM_SM_NAMESPACE: NS,
        OM_JWT_SECRET: 'test-signing-key-0123456789abcdef0123456789',
        OM_METRICS_TOKEN: SCRAPE,
      },
    }),
    database: db.config,
  };
  const deps = await assembleDeps(config);
  app = await buildServer({ ...deps, config, publicUrl: 'http://127.0.0.1:8585' });
  closers.unshift(() => app.close());
  admin = { authorization: `Bearer ${(await app.auth.mint({ sub: 'admin', role: 'admin' })).token}` };
});
after(async () => {
  for (const close of closers) await close();
});

async function scrape(): Promise<string> {
  const res = await app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${SCRAPE}` },
  });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return res.body;
}

/** The value of one sample (`name{labels} value`), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.indexOf('}'));
    const got = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

test('the metrics token reads /metrics and nothing else; no token is 401', async () => {
  assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
  const other = await app.inject({
    method: 'GET',
    url: '/api/v1/services/databaseServices',
    headers: { authorization: `Bearer ${SCRAPE}` },
  });
  assert.equal(other.statusCode, 403);
  assert.equal((await app.inject({ method: 'GET', url: '/metrics', headers: admin })).statusCode, 200);
});

test('default Node process metrics are there', async () => {
  const text = await scrape();
  for (const name of [
    'process_cpu_user_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_seconds',
    'nodejs_heap_size_used_bytes',
  ]) {
    assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  }
});

test('readiness probes are counted apart, never as secret operations', async () => {
  const before = await scrape();
  for (let i = 0; i < 3; i++)
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  const afterText = await scrape();
  for (const verb of ['exists', 'get', 'store', 'delete']) {
    assert.equal(
      sample(afterText, 'omsm_secret_operations_total', { verb }),
      sample(before, 'omsm_secret_operations_total', { verb }),
      `readiness made no ${verb} secret operation`,
    );
  }
  const probes = (t: string) =>
    sample(t, 'omsm_readiness_checks_total', { check: 'database', outcome: 'ok' });
  assert.equal(probes(afterText) - probes(before), 3);
});

test('a create counts as a secret operation, its Kubernetes requests and its route; an injected 5xx is a retry', async () => {
  const before = await scrape();
  emulator.setFaults({ rate5xx: 1, pathIncludes: `/namespaces/${NS}/secrets` });
  setTimeout(() => emulator.setFaults({}), 150);
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/services/databaseServices',
    headers: admin,
    payload: mysqlService('metrics-svc', canary()),
  });
  assert.equal(res.statusCode, 201, res.body);
  const text = await scrape();
  const delta = (name: string, labels: Record<string, string>) =>
    sample(text, name, labels) - sample(before, name, labels);
  assert.ok(
    delta('omsm_kubernetes_retries_total', { verb: 'create', reason: 'server_error' }) >= 1,
    'a 5xx retry',
  );
  assert.ok(
    delta('omsm_kubernetes_requests_total', { verb: 'create', code: '2xx' }) >= 1,
    'a successful create',
  );
  assert.ok(
    delta('omsm_kubernetes_requests_total', { verb: 'create', code: '500' }) +
      delta('omsm_kubernetes_requests_total', { verb: 'create', code: '503' }) >=
      1,
    'the failed attempts',
  );
  assert.ok(delta('omsm_kubernetes_request_duration_seconds_count', { verb: 'create' }) >= 2);
  assert.ok(delta('omsm_secret_operations_total', { verb: 'store', outcome: 'ok' }) >= 1);
  assert.equal(
    delta('omsm_http_requests_total', {
      method: 'POST',
      route: '/api/v1/services/databaseServices',
      status: '201',
    }),
    1,
  );
  assert.ok(!text.includes('metrics-svc'), 'entity names are never labels');
});
