/**
 * @module bench/ingestion
 *
 * Resolving 1,000 `secret:` references of one workflow config against kube-emulator with 1 ms of
 * added latency per request: omsm's resolver (distinct references read concurrently, bounded)
 * beside upstream's pattern (one `get` after another), measured in the same run with the same
 * read-only provider and the same get-only identity; and the cache: with a TTL, a second resolve
 * makes no API call (counted in the emulator's audit log).
 *
 * The emulator runs in a worker thread (bench/kubernetes-emulator.worker.ts), as a real API server
 * runs elsewhere, so its CPU is not charged to the resolver's event loop.
 *
 * Reading the figures: the client thread is the limit. A get costs it about 0.13 ms of CPU on a
 * shared 2-core VM (measured from the thread's /proc schedstat: the TLS write to the emulator
 * ~0.025 ms, the rest of node:http ~0.05, client-node's request and serializer ~0.03, omsm's
 * provider and resolver ~0.02), while one sequential get takes ~1.45 ms (1 ms latency, both
 * sides' CPU and two thread wake-ups). Concurrency hides only the waiting, so at 1 ms the ratio is bounded near 11×
 * (bare node:https against the same emulator reaches ~15×). The 10 ms row shows the same code
 * once latency dominates, as it does against a remote API server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getOnlyRbac, seedSecret } from '../test/support/ingestion-emulator-fixture.js';
import { openResolver } from '../src/ingestion/open-resolver.js';
import { readWorkflowSettings } from '../src/ingestion/workflow-settings.js';
import type { BenchResult } from './bench-types.js';
import { EmulatorThread } from './emulator-thread.js';

const N = 1000;
const NS = 'secrets';

export async function run(): Promise<BenchResult[]> {
  const emu = new EmulatorThread([NS]);
  await emu.ready;
  const root = mkdtempSync(join(tmpdir(), 'omsm-bench-ingest-'));
  try {
    await emu.call('apply', getOnlyRbac(NS, 'ingest'));
    const kubeconfig = await emu.call<string>('writeServiceAccountKubeconfig', NS, 'ingest');
    const names = Array.from({ length: N }, (_, i) => `openmetadata-database-svc${i}-password`);
    for (let i = 0; i < N; i += 200) {
      await emu.call(
        'apply',
        names.slice(i, i + 200).map((n, j) => seedSecret(n, NS, `bench-value-${i + j}`)),
      );
    }
    const config = {
      source: {
        serviceConnection: { config: { passwords: names.map((n) => ({ password: `secret:${n}` })) } },
      },
      workflowConfig: {
        openMetadataServerConfig: { secretsManagerProvider: 'kubernetes', secretsManagerLoader: 'env' },
      },
    };
    const context = { env: { KUBERNETES_KUBECONFIG_PATH: kubeconfig, KUBERNETES_NAMESPACE: NS }, root };
    const settings = readWorkflowSettings(config);
    const omsm = await openResolver(settings, { context });
    const cached = await openResolver(settings, { context, cacheTtlMs: 600_000 });
    // Upstream's pattern on the same provider type and identity: one get after another.
    const sequential = await openResolver(settings, { context, concurrency: 1 });
    try {
      // Warm up connections and JIT on both paths with the full set, without and with latency: the
      // first passes of a fresh process run unoptimized code (the concurrent path's first 1,000
      // took 2–3× its steady time), and the figure compared is the steady one, on both sides alike.
      const refs = names.map((n) => `secret:${n}`);
      for (const latencyMs of [0, 1]) {
        await emu.call('setFaults', { latencyMs });
        for (let i = 0; i < 3; i++) await omsm.resolver.resolveReferences(refs);
        for (const r of refs) await sequential.resolver.resolveReference(r);
      }

      // Each side repeats its rounds, back to back, for the same time budget (at least 4 s and 3
      // rounds) and its best round counts: the machine is shared, the minimum is the figure least
      // disturbed by other work, and equal time gives both sides the same exposure to that noise
      // (a fixed round count would give the 0.15 s concurrent rounds ten times less). Alternating
      // the sides instead charged every concurrent round with the cold caches left by 1.5 s of
      // mostly idle sequential waiting.
      const best = async (round: () => Promise<unknown>): Promise<number> => {
        let min = Number.POSITIVE_INFINITY;
        const until = performance.now() + 4000;
        for (let n = 0; n < 3 || performance.now() < until; n++) {
          const t = performance.now();
          await round();
          min = Math.min(min, performance.now() - t);
        }
        return min;
      };
      const measure = async (latencyMs: number, count: number) => {
        await emu.call('setFaults', { latencyMs });
        const subset = names.slice(0, count);
        const cfg = { passwords: subset.map((n) => `secret:${n}`) };
        const sequentialMs = await best(async () => {
          for (const n of subset) await sequential.resolver.resolveReference(`secret:${n}`);
        });
        const concurrentMs = await best(() => omsm.resolver.resolveConfig(cfg));
        return { sequentialMs, concurrentMs };
      };
      const at1 = await measure(1, N);
      const at10 = await measure(10, 200);

      await emu.call('setFaults', {});
      await cached.resolver.resolveConfig(config);
      await emu.call('clearAudit');
      await cached.resolver.resolveConfig(config);
      const secondCalls = await emu.call<number>('secretCalls');

      return [
        {
          area: 'ingestion',
          operation: `resolve ${N} references, 1 ms latency (ms)`,
          omsm: round(at1.concurrentMs),
          baseline: round(at1.sequentialMs),
          unit: 'ms',
          ratio: round(at1.sequentialMs / at1.concurrentMs),
          note: 'baseline: sequential one-by-one gets (upstream); omsm: 16 concurrent gets, one per distinct reference; best round of an equal 4 s budget per side after 3 warm passes; goal ≥10×',
        },
        {
          area: 'ingestion',
          operation: 'resolve 200 references, 10 ms latency (ms)',
          omsm: round(at10.concurrentMs),
          baseline: round(at10.sequentialMs),
          unit: 'ms',
          ratio: round(at10.sequentialMs / at10.concurrentMs),
          note: 'same, with the latency of a remote API server: the gain grows with latency',
        },
        {
          area: 'ingestion',
          operation: `second resolve of ${N} references, cache on (API calls)`,
          omsm: secondCalls,
          baseline: N,
          unit: 'calls',
          ratio: N / Math.max(secondCalls, 1),
          note: `${secondCalls} API calls on the second resolve with a TTL cache; baseline: no cache`,
        },
      ];
    } finally {
      await omsm.resolver.close();
      await cached.resolver.close();
      await sequential.resolver.close();
    }
  } finally {
    await emu.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
