/**
 * @module bench/migrate
 *
 * migrate-secrets, db -> kubernetes, against kube-emulator (in a worker thread, as a real API
 * server is another process) with 1 ms added latency per request and omsm's server Role (docs/contract.md#rbac):
 * - 10,000 Fernet secrets in a SQLite database migrated by omsm's engine (default concurrency 32,
 *   rate limit off for the measurement), beside upstream's pattern run against the same emulator:
 *   sequential, upsert = exists GET then GET+PUT or POST (up to 3 calls), 10 writes/s token bucket,
 *   one database update per entity. Upstream is run for a sample and extrapolated to 10,000.
 * - The engine's peak heap at 2,000 and 10,000 secrets (two further runs, sampled with a full GC
 *   every second, which the throughput run does without): flat when the entities are streamed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CoreV1Api } from '@kubernetes/client-node';
import type { OmsmConfig } from '../src/core/config/config-types.js';
import { loadConfig } from '../src/core/config/load-config.js';
import { createDbProvider } from '../src/core/providers/db-provider.js';
import { loadSchemaRegistry } from '../src/core/schema/schema-registry.js';
import { createSecretsManager } from '../src/core/secrets/secrets-manager.js';
import { loadKubeConfig } from '../src/kubernetes/index.js';
import { openMigration, sourceConfig } from '../src/ops/migrate/open-migration.js';
import { createRateLimiter } from '../src/ops/migrate/rate-limiter.js';
import { runMigration } from '../src/ops/migrate/run-migration.js';
import { rbacObjects } from '../src/ops/rbac/rbac-manifests.js';
import { openDatabase } from '../src/domain/db/database.js';
import { EntityStore } from '../src/domain/db/entity-store.js';
import { migrateToLatest } from '../src/domain/db/migrations.js';
import { ConfigValidator } from '../src/domain/config-validator.js';
import { createEntities, type NewEntity } from '../src/domain/entity-writer.js';
import { SERVICE_TYPES, serviceKind } from '../src/domain/kinds.js';
import type { BenchResult } from './bench-types.js';
import { EmulatorThread } from './emulator-thread.js';

const NS = 'bench-migrate';
const FERNET_KEY = 'ihDpd4Cpz8vWcM0eNe3WGOK3TnZjhpF8ewVUlGP5pAM=';
const NAMING = { prefix: '', clusterName: 'openmetadata' };
const N = Number(process.env.OMSM_BENCH_MIGRATE_N ?? 10_000);
const SMALL = Math.max(1, Math.floor(N / 5));
const UPSTREAM_SAMPLE = 40;

/** A SQLite database with `n` MySQL services, each holding one Fernet password. */
async function seed(file: string, n: number, tag: string): Promise<void> {
  const { db, scheme } = openDatabase({
    scheme: 'sqlite',
    host: '',
    port: 0,
    name: file,
    user: '',
    password: '',
  });
  try {
    await migrateToLatest(db as never, scheme);
    const schemas = loadSchemaRegistry([]);
    const secrets = createSecretsManager({
      provider: createDbProvider({ fernetKey: FERNET_KEY }),
      naming: NAMING,
      schemas,
    });
    const ctx = {
      store: new EntityStore(db),
      secrets,
      validator: new ConfigValidator(schemas),
      naming: NAMING,
    };
    const kind = serviceKind(SERVICE_TYPES[0]!);
    for (let i = 0; i < n; i += 500) {
      const batch: NewEntity[] = [];
      for (let j = i; j < Math.min(n, i + 500); j++) {
        const name = `${tag}_${j}`;
        batch.push({
          kind,
          id: randomUUID(),
          name,
          doc: {
            name,
            serviceType: 'Mysql',
            connection: {
              config: {
                type: 'Mysql',
                username: 'u',
                hostPort: 'db:3306',
                authType: { password: `bench-value-${j}` },
              },
            },
          },
        });
      }
      await createEntities(ctx, batch);
    }
  } finally {
    await db.destroy();
  }
}

function configFor(dbFile: string, kubeconfigPath: string): OmsmConfig {
  return loadConfig({
    text: `secretsManagerConfiguration:\n  secretsManager: kubernetes\n  parameters:\n    namespace: ${NS}\n    kubeconfigPath: ${kubeconfigPath}\nfernetConfiguration:\n  fernetKey: ${FERNET_KEY}\ndatabase:\n  scheme: sqlite\n  name: ${dbFile}\n`,
    env: {},
  });
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Peak live heap of this thread (the engine; the emulator has its own isolate), MiB above the level
 * at start. Sampled after a full GC every second: the peak of raw heapUsed mostly measures how long
 * V8 waited before collecting garbage, which grows with the run, not what the run keeps alive.
 */
function heapPeak(): { stop(): number } {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const t = setInterval(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 1000);
  return {
    stop() {
      clearInterval(t);
      return Math.round(((peak - base) / 2 ** 20) * 10) / 10;
    },
  };
}

/**
 * One migration of the database behind `config`. With `sampleHeap` its peak live heap is sampled
 * (a full GC every second); the throughput run does without, so forced collections are not
 * charged to its rate.
 */
async function omsmRun(
  config: OmsmConfig,
  sampleHeap: boolean,
): Promise<{ rate: number; seconds: number; heap: number; migrated: number }> {
  const m = await openMigration(config, sourceConfig(config, {}, {}), { deleteSource: false, dryRun: false });
  try {
    const mem = sampleHeap ? heapPeak() : undefined;
    const t0 = performance.now();
    const r = await runMigration({ ...m, rate: 0, concurrency: 32 });
    const seconds = (performance.now() - t0) / 1000;
    const heap = mem?.stop() ?? Number.NaN;
    if (r.exitCode !== 0)
      throw new Error(`migration ended with exit code ${r.exitCode} (${r.totals.failed} failed)`);
    return { rate: r.totals.migrated / seconds, seconds, heap, migrated: r.totals.migrated };
  } finally {
    await m.close();
  }
}

/**
 * Upstream's migrate-secrets pattern for `count` entities: for each, decrypt, upsert through the
 * KubernetesSecretsManager call pattern (exists GET, then GET+PUT or POST; 10 writes/s), then
 * update the row; one entity at a time.
 */
async function upstreamRun(config: OmsmConfig, count: number): Promise<number> {
  const p = config.secretsManagerConfiguration.parameters;
  const api = loadKubeConfig({
    inCluster: false,
    kubeconfigPath: p.kubeconfigPath,
    namespace: NS,
  }).makeApiClient(CoreV1Api);
  const fernet = createDbProvider({ fernetKey: FERNET_KEY });
  const limiter = createRateLimiter(10);
  const { db } = openDatabase(config.database);
  const store = new EntityStore(db);
  try {
    const t0 = performance.now();
    let done = 0;
    for await (const page of store.scan(['databaseService'], 50)) {
      for (const e of page) {
        if (done >= count) break;
        const auth = (e.doc.connection as { config: { authType: { password: string } } }).config.authType;
        const value = (await fernet.get(auth.password)) ?? '';
        const name = `upstream-${e.name.replace(/_/g, '-')}-authtype-password`;
        const body = {
          metadata: { name, labels: { app: 'openmetadata', 'managed-by': 'openmetadata-secrets-manager' } },
          data: { value: Buffer.from(value).toString('base64') },
        };
        let exists = true;
        try {
          await api.readNamespacedSecret({ name, namespace: NS });
        } catch {
          exists = false;
        }
        await limiter.take();
        if (exists) {
          const cur = await api.readNamespacedSecret({ name, namespace: NS });
          await api.replaceNamespacedSecret({ name, namespace: NS, body: { ...cur, data: body.data } });
        } else {
          await api.createNamespacedSecret({ namespace: NS, body });
        }
        const doc = structuredClone(e.doc);
        (doc.connection as { config: { authType: { password: string } } }).config.authType.password =
          `secret:${name}`;
        await store.update(e, { name: e.name, deleted: e.deleted, doc, updatedAt: Date.now() });
        done++;
      }
      if (done >= count) break;
    }
    return done / ((performance.now() - t0) / 1000);
  } finally {
    await db.destroy();
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-bench-migrate-'));
  const emu = new EmulatorThread([NS]);
  await emu.ready;
  try {
    await emu.call('apply', rbacObjects({ secretsNamespace: NS }));
    const kubeconfigPath = await emu.call<string>(
      'writeServiceAccountKubeconfig',
      NS,
      'openmetadata-secrets-sa',
    );
    const small = join(dir, 'small.db');
    const big = join(dir, 'big.db');
    const bigHeap = join(dir, 'big-heap.db');
    const up = join(dir, 'upstream.db');
    await seed(small, SMALL, 'small');
    await seed(big, N, 'big');
    await seed(bigHeap, N, 'heap');
    await seed(up, UPSTREAM_SAMPLE, 'up');
    await emu.call('setFaults', { latencyMs: 1 });

    const bigRun = await omsmRun(configFor(big, kubeconfigPath), false);
    const smallHeap = (await omsmRun(configFor(small, kubeconfigPath), true)).heap;
    const bigHeapRun = (await omsmRun(configFor(bigHeap, kubeconfigPath), true)).heap;
    const upRate = await upstreamRun(configFor(up, kubeconfigPath), UPSTREAM_SAMPLE);
    await emu.call('setFaults', {});
    const upSeconds = N / upRate;
    const load = loadavg()[0]!.toFixed(1);
    const note = `db -> kubernetes, emulator in a worker thread with 1 ms latency, seed Role; upstream: sequential, exists+GET/PUT or POST, 10 writes/s, measured on ${UPSTREAM_SAMPLE} and extrapolated`;
    return [
      {
        area: 'migrate',
        operation: `migrate-secrets: ${N.toLocaleString('en')} secrets (concurrency 32)`,
        omsm: bigRun.rate,
        baseline: upRate,
        unit: 'secrets/s',
        ratio: bigRun.rate / upRate,
        note: `target ≥ 1,000 secrets/s; ${note}; 1-min load average at the end ${load} on ${cpus().length} cores`,
      },
      {
        area: 'migrate',
        operation: `migrate-secrets: wall time for ${N.toLocaleString('en')} secrets`,
        omsm: bigRun.seconds,
        baseline: upSeconds,
        unit: 's',
        ratio: upSeconds / bigRun.seconds,
        note: 'upstream figure extrapolated from its sample rate',
      },
      {
        area: 'migrate',
        operation: `engine peak heap: ${N.toLocaleString('en')} secrets vs ${SMALL.toLocaleString('en')}`,
        omsm: bigHeapRun,
        baseline: smallHeap,
        unit: 'MiB',
        ratio: smallHeap / Math.max(0.1, bigHeapRun),
        note: `live heap (sampled after GC every second) above the start level, engine thread only; flat when ≈ equal at ${N / SMALL}× the secrets`,
      },
    ];
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
