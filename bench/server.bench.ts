/**
 * @module bench/server
 *
 * The server on the embedded default (SQLite file + kubernetes provider + in-process kube-emulator,
 * the provider connected as a ServiceAccount with omsm's server Role (docs/contract.md#rbac)): creating Snowflake services
 * with 3 password fields each over real HTTP (keep-alive, 8 concurrent clients). Reports
 * requests/s, p50/p99 latency, peak memory, and how request time splits between Kubernetes calls
 * (measured by the instrumented provider around every provider call) and the server's own work
 * (everything else: HTTP, auth, validation, SQLite, serialization); the server's own share must
 * stay under a third. Baseline, same run: the same creates with the in-memory provider.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/core/config/load-config.js';
import type { SecretsProvider } from '../src/core/providers/provider.js';
import { createInMemoryProvider } from '../src/core/providers/in-memory-provider.js';
import { startEmulator } from '../src/emulator/index.js';
import { createKubernetesProvider } from '../src/kubernetes/index.js';
import { buildServer } from '../src/server/app.js';
import { assembleDeps } from '../src/server/assemble.js';
import { type BenchResult, peakMemory } from './bench-types.js';

const N = Number(process.env.OMSM_BENCH_SERVER_N ?? 600);
const WARMUP = 50;
const CONCURRENCY = 8;

interface RunResult {
  /** Kubernetes API calls on secrets per create (from the emulator's audit log). */
  callsPerCreate?: number;
  rps: number;
  p50: number;
  p99: number;
  peakMiB: number;
  /** Share of summed server-side request time spent inside provider calls. */
  providerShare: number;
}

function body(i: number, tag: string) {
  return JSON.stringify({
    name: i < 0 ? `warm_${tag}_${-i}` : `bench_${tag}_${i}`,
    serviceType: 'Snowflake',
    connection: {
      config: {
        type: 'Snowflake',
        username: 'loader',
        account: 'acme-eu',
        warehouse: 'COMPUTE_WH',
        password: `bench-password-${i}`,
        privateKey: `bench-private-key-${i}`,
        snowflakePrivatekeyPassphrase: `bench-passphrase-${i}`,
      },
    },
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function runOnce(
  dir: string,
  provider: SecretsProvider,
  tag: string,
  emulator?: { clearAudit(): void; audit(): readonly { resource: string }[] },
): Promise<RunResult> {
  const config = loadConfig({
    env: {
      SECRET_MANAGER: provider.name === 'kubernetes' ? 'kubernetes' : 'in-memory',
      DB_SCHEME: 'sqlite',
      OM_DATABASE: join(dir, `${tag}.db`),
      OM_JWT_SECRET: 'bench-signing-key-0123456789abcdef0123',
    },
  });
  const deps = await assembleDeps(config, { provider });
  const app = await buildServer(deps);
  // Server-side request time, from the server's own duration histogram.
  const histogram = deps.metrics.getSingleMetric('omsm_http_request_duration_seconds')!;
  const serverSeconds = async () =>
    (await histogram.get()).values
      .filter((v) => (v as { metricName?: string }).metricName === 'omsm_http_request_duration_seconds_sum')
      .reduce((sum, v) => sum + v.value, 0);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const { token } = await app.auth.mint({ sub: 'bench', role: 'admin' });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const post = async (i: number) => {
    const res = await fetch(`${url}/api/v1/services/databaseServices`, {
      method: 'POST',
      headers,
      body: body(i, tag),
    });
    if (res.status !== 201) throw new Error(`create ${i}: HTTP ${res.status}`);
    await res.arrayBuffer();
  };
  try {
    for (let i = 0; i < WARMUP; i++) await post(-1 - i);
    const serverBefore = await serverSeconds();
    deps.provider.timing.totalMs = 0;
    deps.provider.timing.calls = 0;
    emulator?.clearAudit();
    const latencies: number[] = [];
    let next = 0;
    const mem = peakMemory();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const i = next++;
          const t0 = performance.now();
          await post(i);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const wall = performance.now() - start;
    const peakMiB = mem.stop();
    latencies.sort((a, b) => a - b);
    const serverMs = ((await serverSeconds()) - serverBefore) * 1000;
    const calls = emulator?.audit().filter((e) => e.resource === 'secrets').length;
    return {
      ...(calls === undefined ? {} : { callsPerCreate: calls / N }),
      rps: (N / wall) * 1000,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      peakMiB,
      providerShare: deps.provider.timing.totalMs / serverMs,
    };
  } finally {
    await app.close();
    await provider.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-bench-server-'));
  const emulator = await startEmulator({ dir: join(dir, 'kube') });
  try {
    await emulator.apply([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'omsm', namespace: 'default' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'openmetadata-secrets-role', namespace: 'default' },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get', 'update', 'delete'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'openmetadata-secrets-rb', namespace: 'default' },
        subjects: [{ kind: 'ServiceAccount', name: 'omsm', namespace: 'default' }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'openmetadata-secrets-role' },
      },
    ]);
    const kubeconfigPath = await emulator.writeServiceAccountKubeconfig('default', 'omsm');
    const base = await runOnce(dir, createInMemoryProvider(), 'memory');
    const kube = await runOnce(
      dir,
      await createKubernetesProvider({
        connection: { inCluster: false, kubeconfigPath, namespace: 'default' },
        accessCheck: 'off',
      }),
      'kube',
      emulator,
    );
    const ownShare = (1 - kube.providerShare) * 100;
    const what = `create service, 3 password fields, ${CONCURRENCY} clients, ${N} requests`;
    return [
      {
        area: 'server',
        operation: `${what} (kubernetes vs in-memory)`,
        omsm: kube.rps,
        baseline: base.rps,
        unit: 'req/s',
        ratio: kube.rps / base.rps,
        note: 'embedded default: SQLite + kubernetes provider + in-process kube-emulator; baseline in-memory provider',
      },
      {
        area: 'server',
        operation: 'create service p50 latency',
        omsm: kube.p50,
        baseline: base.p50,
        unit: 'ms',
        ratio: base.p50 / kube.p50,
      },
      {
        area: 'server',
        operation: 'create service p99 latency',
        omsm: kube.p99,
        baseline: base.p99,
        unit: 'ms',
        ratio: base.p99 / kube.p99,
      },
      {
        area: 'server',
        operation: 'create services peak memory (RSS)',
        omsm: kube.peakMiB,
        baseline: base.peakMiB,
        unit: 'MiB',
        ratio: base.peakMiB / kube.peakMiB,
      },
      {
        area: 'server',
        operation: 'share of request time in Kubernetes calls',
        omsm: kube.providerShare * 100,
        baseline: base.providerShare * 100,
        unit: '%',
        ratio: kube.providerShare / Math.max(base.providerShare, 1e-9),
        note: 'baseline: in-memory provider calls',
      },
      {
        area: 'server',
        operation: 'Kubernetes calls per create (3 password fields)',
        omsm: kube.callsPerCreate ?? Number.NaN,
        baseline: 6,
        unit: 'calls/op',
        ratio: 6 / (kube.callsPerCreate ?? Number.NaN),
        note: "baseline: upstream's pattern, GET then POST per new secret",
      },
      {
        area: 'server',
        operation: "server's own share of request time (limit 33.3%)",
        omsm: ownShare,
        baseline: 100 / 3,
        unit: '%',
        ratio: 100 / 3 / ownShare,
        note: ownShare < 100 / 3 ? 'within the limit' : 'OVER the one-third limit',
      },
    ];
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
