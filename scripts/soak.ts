/**
 * @module scripts/soak
 *
 * The fault soak (`npm run soak [-- --duration SECONDS]`, default 180 s, loopback only, stops by
 * itself). One kube-emulator (with a state file, so it restarts on the same port with the same
 * data) and two `omsm serve` processes on one fresh PostgreSQL database and one namespace, as a
 * ServiceAccount holding omsm's server Role (docs/contract.md#rbac). Workers send creates, password updates, bot token
 * rotations and hard deletes to either server at random, while others fetch ingestion pipelines'
 * workflow configs and resolve them with src/ingestion's resolver, and the emulator injects
 * latency, 429s, 500/503s and dropped connections. The emulator is restarted once and one server
 * once, mid-run.
 *
 * The soak keeps the last ACKNOWLEDGED value of every secret (2xx only); when the outcome of a
 * request is unknown (5xx, dropped connection, timeout) it re-reads the entity to learn it. At the
 * end, with faults off, it checks that every entity's secret resolves to its last acknowledged
 * value (Secret read as admin, the ingestion resolver, and the API), that no managed Secret is
 * without an entity and no entity points at a missing Secret, and that no value sent appears in the
 * servers' logs. It prints the counts and exits 0 only when everything is consistent.
 *
 * Values are random strings; none is ever printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import pg from 'pg';
import { type FaultSettings, type KubeEmulator, startEmulator } from '../src/emulator/index.js';
import { SecretResolver } from '../src/ingestion/resolver.js';
import { createKubernetesProvider } from '../src/kubernetes/index.js';
import { rbacObjects } from '../src/ops/rbac/rbac-manifests.js';

// ---------- settings ----------

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}
const DURATION_S = arg('duration', 180);
const WORKERS = arg('workers', 6);
const RESOLVERS = 2;
const NS = 'omsm-soak';
const SA = 'omsm-server';
const SERVICES = 30;
const BOTS = 8;
const PIPELINES = 10;
const REQUEST_TIMEOUT_MS = 45_000;
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };

const dir = mkdtempSync(join(tmpdir(), 'omsm-soak-'));
const adminToken = randomBytes(24).toString('hex');
const jwtSecret = randomBytes(32).toString('hex');
const dbName = `omsm_soak_${randomBytes(4).toString('hex')}`;
const started = Date.now();
const elapsed = () => ((Date.now() - started) / 1000).toFixed(0).padStart(4);
const log = (msg: string) => process.stdout.write(`[${elapsed()}s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rnd = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const newValue = () => `soak-${randomBytes(12).toString('hex')}`;

// ---------- counters ----------

const counts = {
  ops: new Map<string, number>(),
  faultPhases: 0,
  faults: { latency: 0, r429: 0, r5xx: 0, dropped: 0 },
  restarts: { emulator: 0, server: 0 },
  resolves: { ok: 0, failed: 0, wrong: 0 },
  ambiguous: { applied: 0, notApplied: 0 },
  anomalies: [] as string[],
};
function count(kind: string, outcome: string): void {
  const k = `${kind} ${outcome}`;
  counts.ops.set(k, (counts.ops.get(k) ?? 0) + 1);
}

// ---------- the model: last acknowledged state ----------

type Kind = 'service' | 'bot' | 'pipeline';
interface Tracked {
  readonly kind: Kind;
  readonly name: string;
  exists: boolean;
  id?: string;
  /** Bot user id (bots). */
  userId?: string;
  /** Last acknowledged secret value (password, dbt key, or bot JWT). */
  value?: string;
  /** Every value ever sent (a resolve may see any of them while requests are in flight). */
  readonly sent: Set<string>;
  busy: boolean;
}
const entities: Tracked[] = [];
for (let i = 0; i < SERVICES; i++) entities.push(track('service', `svc-${i}`));
for (let i = 0; i < BOTS; i++) entities.push(track('bot', `soak-bot-${i}`));
for (let i = 0; i < PIPELINES; i++) entities.push(track('pipeline', `pipe-${i}`));
function track(kind: Kind, name: string): Tracked {
  return { kind, name, exists: false, sent: new Set(), busy: false };
}
const allValues = new Set<string>();

function secretNameOf(e: Tracked): string {
  if (e.kind === 'service') return `openmetadata-database-${e.name}-authtype-password`;
  if (e.kind === 'pipeline')
    return `openmetadata-pipeline-${e.name}-dbtconfigsource-dbtsecurityconfig-awssecretaccesskey`;
  return `openmetadata-bot-${e.name}-config-jwttoken`;
}

// ---------- processes ----------

let emulator: KubeEmulator;
let emulatorPort = 0;
let saKubeconfig = '';
let adminCore: CoreV1Api;
const stateFile = join(dir, 'emulator-state.json');

async function startKube(): Promise<void> {
  emulator = await startEmulator({
    port: emulatorPort,
    dir: join(dir, 'emulator'),
    stateFile,
    namespaces: [NS],
  });
  emulatorPort = emulator.port;
}

function kubeFaults(): void {
  // The audit log shows each injected fault (status 429/500/503, or 0 for a dropped connection).
  for (const e of emulator.audit()) {
    if (e.code === 429) counts.faults.r429++;
    else if (e.code === 500 || e.code === 503) counts.faults.r5xx++;
    else if (e.code === 0) counts.faults.dropped++;
  }
  emulator.clearAudit();
}

interface Server {
  readonly name: string;
  readonly port: number;
  proc?: ChildProcess;
  up: boolean;
}
const servers: Server[] = [];

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startServer(s: Server): Promise<void> {
  const out = createWriteStream(join(dir, `${s.name}.log`), { flags: 'a' });
  const proc = spawn(process.execPath, ['bin/omsm.js', 'serve'], {
    env: {
      ...process.env,
      DB_SCHEME: 'postgresql',
      DB_HOST: PG.host,
      DB_PORT: String(PG.port),
      DB_USER: PG.user,
      DB_USER_PASSWORD: '',
      OM_DATABASE: dbName,
      SECRET_MANAGER: 'kubernetes',
      OM_SM_KUBECONFIG_PATH: saKubeconfig,
      OM_SM_NAMESPACE: NS,
      OM_SM_REQUEST_DEADLINE_MS: '10000',
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: String(s.port),
      OM_JWT_SECRET: jwtSecret,
      OM_ADMIN_TOKEN: adminToken,
      PIPELINE_SERVICE_CLIENT_SECRETS_MANAGER_LOADER: 'env',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.pipe(out);
  proc.stderr?.pipe(out);
  s.proc = proc;
  proc.on('exit', () => {
    s.up = false;
  });
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null)
      throw new Error(`${s.name} exited with ${proc.exitCode}; see ${dir}/${s.name}.log`);
    try {
      const r = await fetch(`http://127.0.0.1:${s.port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) {
        s.up = true;
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${s.name} did not become healthy`);
}

async function stopServer(s: Server): Promise<void> {
  const p = s.proc;
  if (!p || p.exitCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await Promise.race([exited, sleep(20_000)]);
  if (p.exitCode === null && p.signalCode === null) {
    p.kill('SIGKILL');
    await exited;
  }
}

// ---------- HTTP ----------

interface Reply {
  /** HTTP status, or 0 when no response arrived (connection refused/dropped, timeout). */
  readonly status: number;
  readonly body: unknown;
}

async function call(s: Server, method: string, path: string, body?: unknown): Promise<Reply> {
  try {
    const r = await fetch(`http://127.0.0.1:${s.port}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // YAML or empty
    }
    return { status: r.status, body: parsed };
  } catch {
    return { status: 0, body: undefined };
  }
}

/** A server that is up (the other one may be restarting). */
function anyServer(): Server {
  const up = servers.filter((s) => s.up);
  return up.length > 0 ? rnd(up) : servers[0]!;
}

/** Retries a read until it gives a definite answer (2xx or 404), through either server. */
async function readDefinite(path: string): Promise<Reply> {
  for (let i = 0; ; i++) {
    const r = await call(anyServer(), 'GET', path);
    if ((r.status >= 200 && r.status < 300) || r.status === 404) return r;
    if (i > 200) throw new Error(`GET ${path} never answered definitely (last ${r.status})`);
    await sleep(200);
  }
}

/** The Secret's value as the admin sees it; undefined when absent. Retries through faults. */
async function secretValue(name: string): Promise<string | undefined> {
  for (let i = 0; ; i++) {
    try {
      const s = await adminCore.readNamespacedSecret({ name, namespace: NS });
      const v = s.data?.value;
      return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      if (i > 200) throw err;
      await sleep(200);
    }
  }
}

// ---------- operations ----------

function serviceBody(name: string, password: string) {
  return {
    name,
    serviceType: 'Mysql',
    connection: { config: { type: 'Mysql', username: 'u', hostPort: 'db:3306', authType: { password } } },
  };
}
let warehouseId = '';
function pipelineBody(name: string, key: string) {
  return {
    name,
    pipelineType: 'dbt',
    service: { id: warehouseId, type: 'databaseService' },
    sourceConfig: {
      config: {
        type: 'DBT',
        dbtConfigSource: {
          dbtConfigType: 's3',
          dbtSecurityConfig: { awsAccessKeyId: 'AKIA', awsSecretAccessKey: key, awsRegion: 'eu-west-1' },
        },
      },
    },
  };
}
const collection = (e: Tracked) =>
  e.kind === 'service'
    ? '/services/databaseServices'
    : e.kind === 'pipeline'
      ? '/services/ingestionPipelines'
      : '/bots';

const ok = (r: Reply) => r.status >= 200 && r.status < 300;
const definiteFailure = (r: Reply) => r.status >= 400 && r.status < 500;

/** Learns the outcome of a request whose reply was lost or a 5xx: re-reads entity and Secret. */
async function settle(e: Tracked, kind: string, attempted?: string, counted = true): Promise<void> {
  const r = await readDefinite(`${collection(e)}/name/${e.name}`);
  const exists = r.status !== 404;
  const id = exists ? (r.body as { id: string }).id : undefined;
  let value: string | undefined;
  if (exists && e.kind === 'bot') {
    const userId = (r.body as { botUser?: { id?: string } }).botUser?.id;
    e.userId = userId;
    const mech = await readDefinite(`/users/auth-mechanism/${userId}`);
    value =
      mech.status === 404 ? undefined : (mech.body as { config?: { JWTToken?: string } }).config?.JWTToken;
    if (value) e.sent.add(value);
  } else if (exists) {
    value = await secretValue(secretNameOf(e));
  }
  const changed = exists !== e.exists || id !== e.id || value !== e.value;
  if (counted && changed) counts.ambiguous.applied++;
  else if (counted) counts.ambiguous.notApplied++;
  if (exists && value !== undefined && !e.sent.has(value)) {
    counts.anomalies.push(`${kind} ${e.kind} ${e.name}: the stored value is none the soak sent`);
  }
  if (exists && e.kind !== 'bot' && value === undefined) {
    counts.anomalies.push(`${kind} ${e.kind} ${e.name}: the entity exists but its Secret does not`);
  }
  if (attempted !== undefined && exists && value !== attempted && value !== e.value && e.kind !== 'bot') {
    counts.anomalies.push(`${kind} ${e.kind} ${e.name}: neither the old nor the new value is stored`);
  }
  e.exists = exists;
  e.id = id;
  e.value = value;
}

async function create(e: Tracked, s: Server): Promise<void> {
  const v = newValue();
  if (e.kind !== 'bot') {
    e.sent.add(v);
    allValues.add(v);
  }
  const body =
    e.kind === 'service'
      ? serviceBody(e.name, v)
      : e.kind === 'pipeline'
        ? pipelineBody(e.name, v)
        : { name: e.name };
  const r = await call(s, 'POST', collection(e), body);
  if (ok(r)) {
    e.exists = true;
    e.id = (r.body as { id: string }).id;
    // A new bot's token is issued by the server: read it (not an ambiguous outcome).
    if (e.kind === 'bot') await settle(e, 'create', undefined, false);
    else e.value = v;
    count('create', 'ok');
  } else if (definiteFailure(r)) {
    count('create', `refused ${r.status}`);
    if (r.status === 409) await settle(e, 'create');
  } else {
    count('create', r.status === 0 ? 'no reply' : `failed ${r.status}`);
    await settle(e, 'create', v);
  }
}

async function update(e: Tracked, s: Server): Promise<void> {
  if (e.kind === 'bot') return rotate(e, s);
  const v = newValue();
  e.sent.add(v);
  allValues.add(v);
  const body = e.kind === 'service' ? serviceBody(e.name, v) : pipelineBody(e.name, v);
  const r = await call(s, 'PUT', collection(e), body);
  if (ok(r)) {
    e.value = v;
    count('update', 'ok');
  } else if (definiteFailure(r)) {
    count('update', `refused ${r.status}`);
  } else {
    count('update', r.status === 0 ? 'no reply' : `failed ${r.status}`);
    await settle(e, 'update', v);
  }
}

async function rotate(e: Tracked, s: Server): Promise<void> {
  const r = await call(s, 'PUT', `/users/generateToken/${e.userId}`, { JWTTokenExpiry: '7' });
  if (ok(r)) {
    const token = (r.body as { JWTToken?: string }).JWTToken;
    if (token) {
      e.sent.add(token);
      e.value = token;
    }
    count('rotate', 'ok');
  } else if (definiteFailure(r)) {
    count('rotate', `refused ${r.status}`);
  } else {
    count('rotate', r.status === 0 ? 'no reply' : `failed ${r.status}`);
    await settle(e, 'rotate');
  }
}

async function remove(e: Tracked, s: Server): Promise<void> {
  const r = await call(s, 'DELETE', `${collection(e)}/name/${e.name}?hardDelete=true&recursive=true`);
  if (ok(r)) {
    e.exists = false;
    e.id = undefined;
    e.value = undefined;
    count('delete', 'ok');
  } else if (definiteFailure(r)) {
    count('delete', `refused ${r.status}`);
    if (r.status === 404) await settle(e, 'delete');
  } else {
    count('delete', r.status === 0 ? 'no reply' : `failed ${r.status}`);
    await settle(e, 'delete');
  }
}

async function worker(until: number): Promise<void> {
  while (Date.now() < until) {
    const free = entities.filter((x) => !x.busy);
    if (free.length === 0) {
      await sleep(20);
      continue;
    }
    const e = rnd(free);
    e.busy = true;
    const s = rnd(servers);
    try {
      if (!e.exists) await create(e, s);
      else {
        const p = Math.random();
        if (p < 0.7) await update(e, s);
        else await remove(e, s);
      }
    } catch (err) {
      counts.anomalies.push(`worker: ${(err as Error).message}`);
    } finally {
      e.busy = false;
    }
  }
}

// ---------- ingestion resolves ----------

let resolver: SecretResolver;

function dbtKey(config: unknown): string | undefined {
  const c = config as {
    source?: {
      sourceConfig?: {
        config?: { dbtConfigSource?: { dbtSecurityConfig?: { awsSecretAccessKey?: string } } };
      };
    };
  };
  return c.source?.sourceConfig?.config?.dbtConfigSource?.dbtSecurityConfig?.awsSecretAccessKey;
}

async function resolveLoop(until: number): Promise<void> {
  while (Date.now() < until) {
    const live = entities.filter((x) => x.kind === 'pipeline' && x.exists && x.id);
    if (live.length === 0) {
      await sleep(100);
      continue;
    }
    const p = rnd(live);
    const wc = await call(
      anyServer(),
      'GET',
      `/services/ingestionPipelines/${p.id}/workflowConfig?format=json`,
    );
    if (!ok(wc)) {
      counts.resolves.failed++;
      continue;
    }
    try {
      const resolved = await resolver.resolveConfig(wc.body);
      const key = dbtKey(resolved);
      if (key !== undefined && p.sent.has(key)) counts.resolves.ok++;
      else {
        counts.resolves.wrong++;
        counts.anomalies.push(`resolve ${p.name}: a value the soak never sent for it`);
      }
    } catch {
      // Unavailable under faults, or the pipeline was deleted/updated meanwhile: fail closed.
      counts.resolves.failed++;
    }
  }
}

// ---------- faults ----------

const PHASES: FaultSettings[] = [
  {},
  { latencyMs: 80 },
  { rate429: 0.08, retryAfterSeconds: 1 },
  { rate5xx: 0.08 },
  { dropRate: 0.05 },
  { latencyMs: 30, rate429: 0.04, rate5xx: 0.04, dropRate: 0.03 },
];

async function faultLoop(until: number): Promise<void> {
  while (Date.now() < until) {
    const f = rnd(PHASES);
    if (f.latencyMs) counts.faults.latency++;
    emulator.setFaults(f);
    counts.faultPhases++;
    await sleep(4000);
  }
  emulator.setFaults({});
}

// ---------- final checks ----------

async function verify(): Promise<{
  mismatches: string[];
  orphans: string[];
  dangling: string[];
  leaks: number;
}> {
  const mismatches: string[] = [];
  for (const e of entities) {
    const r = await readDefinite(`${collection(e)}/name/${e.name}`);
    const exists = r.status !== 404;
    if (exists !== e.exists) {
      mismatches.push(`${e.kind} ${e.name}: exists ${exists}, last acknowledged ${e.exists}`);
      continue;
    }
    if (!exists) continue;
    if (e.kind === 'bot') {
      const mech = await readDefinite(`/users/auth-mechanism/${e.userId}`);
      const token = (mech.body as { config?: { JWTToken?: string } }).config?.JWTToken;
      if (token !== e.value) mismatches.push(`bot ${e.name}: the token is not the last acknowledged one`);
    } else {
      const v = await secretValue(secretNameOf(e));
      if (v !== e.value)
        mismatches.push(`${e.kind} ${e.name}: the Secret does not hold the last acknowledged value`);
    }
    try {
      const viaResolver = await resolver.resolveReference(`secret:${secretNameOf(e)}`);
      if (viaResolver !== e.value) mismatches.push(`${e.kind} ${e.name}: the resolver gives another value`);
    } catch {
      mismatches.push(`${e.kind} ${e.name}: the resolver cannot resolve its Secret`);
    }
    if (e.kind === 'pipeline') {
      const wc = await readDefinite(`/services/ingestionPipelines/${e.id}/workflowConfig?format=json`);
      const key = dbtKey(await resolver.resolveConfig(wc.body).catch(() => undefined));
      if (key !== e.value)
        mismatches.push(`pipeline ${e.name}: the resolved workflow config has another value`);
    }
  }

  // Every Secret reference in the database, against every managed Secret in the namespace.
  const client = new pg.Client({ ...PG, database: dbName });
  await client.connect();
  const rows = await client.query<{ json: string }>('select json from entity');
  await client.end();
  const referenced = new Set<string>();
  for (const row of rows.rows)
    for (const m of row.json.matchAll(/"secret:([a-z0-9.-]+)"/g)) referenced.add(m[1]!);
  const list = await adminCore.listNamespacedSecret({
    namespace: NS,
    labelSelector: 'managed-by=openmetadata-secrets-manager',
  });
  const managed = new Set(list.items.map((s) => s.metadata?.name ?? ''));
  const orphans = [...managed].filter((n) => !referenced.has(n));
  const dangling = [...referenced].filter((n) => !managed.has(n));

  // No value sent may appear in the servers' logs.
  let leaks = 0;
  for (const s of servers) {
    const text = readFileSync(join(dir, `${s.name}.log`), 'utf8');
    for (const v of allValues) if (text.includes(v)) leaks++;
  }
  return { mismatches, orphans, dangling, leaks };
}

// ---------- main ----------

async function main(): Promise<number> {
  log(`soak: ${DURATION_S} s, ${WORKERS} workers, ${RESOLVERS} resolvers, work dir ${dir}`);
  const admin = new pg.Client({ ...PG, database: 'postgres' });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();

  await startKube();
  // The documented server RBAC, as `omsm rbac` prints it.
  await emulator.apply(rbacObjects({ secretsNamespace: NS, serverSa: SA }));
  saKubeconfig = await emulator.writeServiceAccountKubeconfig(NS, SA);
  const kc = new KubeConfig();
  kc.loadFromFile(emulator.kubeconfigPath);
  adminCore = kc.makeApiClient(CoreV1Api);
  resolver = new SecretResolver({
    provider: await createKubernetesProvider({
      connection: { inCluster: false, kubeconfigPath: saKubeconfig, namespace: NS },
      readOnly: true,
      accessCheck: 'off',
      requestDeadlineMs: 10_000,
    }),
    providerName: 'kubernetes',
    namespace: NS,
  });
  log(`kube-emulator on port ${emulatorPort}; database ${dbName}`);

  servers.push({ name: 'server-a', port: await freePort(), up: false });
  servers.push({ name: 'server-b', port: await freePort(), up: false });
  await startServer(servers[0]!); // migrations run once, then the second server starts
  await startServer(servers[1]!);
  log(`servers on ports ${servers.map((s) => s.port).join(' and ')}`);

  // Fixtures: the service pipelines hang off, and the bot ingestion runs as.
  const wh = await call(
    servers[0]!,
    'POST',
    '/services/databaseServices',
    serviceBody('soak-warehouse', newValue()),
  );
  if (wh.status !== 201) throw new Error(`cannot create the warehouse service (${wh.status})`);
  warehouseId = (wh.body as { id: string }).id;
  const ib = await call(servers[0]!, 'POST', '/bots', { name: 'ingestion-bot' });
  // The server may seed it already (409).
  if (ib.status !== 201 && ib.status !== 409) throw new Error(`cannot create ingestion-bot (${ib.status})`);

  const duration = DURATION_S * 1000;
  const stopWork = Date.now() + duration;
  const timeline = (async () => {
    await sleep(duration * 0.3);
    log('restarting the kube-emulator (same port, same state)');
    kubeFaults();
    const faults = PHASES[5]!;
    await emulator.close();
    await sleep(1500);
    await startKube();
    emulator.setFaults(faults);
    counts.restarts.emulator++;
    await sleep(duration * 0.3);
    log('restarting server-b (SIGTERM, then start again)');
    await stopServer(servers[1]!);
    await sleep(1000);
    await startServer(servers[1]!);
    counts.restarts.server++;
  })();
  const progress = setInterval(() => {
    const done = [...counts.ops.values()].reduce((a, b) => a + b, 0);
    log(
      `${done} operations, ${counts.resolves.ok + counts.resolves.failed} resolves, ${entities.filter((e) => e.exists).length} entities`,
    );
  }, 15_000);

  await Promise.all([
    faultLoop(stopWork),
    timeline,
    ...Array.from({ length: WORKERS }, () => worker(stopWork)),
    ...Array.from({ length: RESOLVERS }, () => resolveLoop(stopWork)),
  ]);
  clearInterval(progress);
  emulator.setFaults({});
  kubeFaults();
  log('workload stopped; faults off; verifying');

  const { mismatches, orphans, dangling, leaks } = await verify();
  const ops = [...counts.ops].sort(([a], [b]) => a.localeCompare(b));
  const totalOps = ops.reduce((a, [, n]) => a + n, 0);
  const report = [
    '',
    '=== omsm soak result ===',
    `duration            ${DURATION_S} s of workload (${((Date.now() - started) / 1000).toFixed(0)} s with set-up and checks)`,
    `entities            ${entities.filter((e) => e.exists).length} live at the end (of ${entities.length} tracked: ${SERVICES} services, ${BOTS} bots, ${PIPELINES} pipelines) + 2 fixtures`,
    `operations          ${totalOps}`,
    ...ops.map(([k, n]) => `  ${k.padEnd(24)}${n}`),
    `ambiguous outcomes  ${counts.ambiguous.applied} applied, ${counts.ambiguous.notApplied} not applied (learned by re-reading)`,
    `faults injected     ${counts.faults.r429} x 429, ${counts.faults.r5xx} x 500/503, ${counts.faults.dropped} dropped connections, latency in ${counts.faults.latency} of ${counts.faultPhases} phases`,
    `restarts            kube-emulator ${counts.restarts.emulator}, server ${counts.restarts.server}`,
    `ingestion resolves  ${counts.resolves.ok} ok, ${counts.resolves.failed} failed closed, ${counts.resolves.wrong} wrong value`,
    `mismatches          ${mismatches.length}`,
    `orphan Secrets      ${orphans.length}`,
    `dangling references ${dangling.length}`,
    `values in logs      ${leaks}`,
    `anomalies           ${counts.anomalies.length}`,
  ];
  for (const m of [...mismatches, ...counts.anomalies].slice(0, 30)) report.push(`  - ${m}`);
  for (const o of orphans.slice(0, 10)) report.push(`  - orphan Secret ${o}`);
  for (const d of dangling.slice(0, 10)) report.push(`  - dangling reference secret:${d}`);
  const consistent =
    mismatches.length === 0 &&
    orphans.length === 0 &&
    dangling.length === 0 &&
    leaks === 0 &&
    counts.anomalies.length === 0 &&
    counts.resolves.wrong === 0;
  report.push(consistent ? 'RESULT: consistent' : 'RESULT: INCONSISTENT');
  process.stdout.write(`${report.join('\n')}\n`);
  return consistent ? 0 : 1;
}

async function cleanup(keepDir: boolean): Promise<void> {
  await Promise.all(servers.map((s) => stopServer(s).catch(() => {})));
  await resolver?.close().catch(() => {});
  await emulator?.close().catch(() => {});
  try {
    const admin = new pg.Client({ ...PG, database: 'postgres' });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  } catch {
    // the database is named omsm_soak_*; drop it by hand if this failed
  }
  if (!keepDir) rmSync(dir, { recursive: true, force: true });
}

// Hard stop: the soak must end by itself even if something hangs.
const watchdog = setTimeout(
  () => {
    process.stderr.write('soak: watchdog fired; stopping\n');
    void cleanup(true).finally(() => process.exit(1));
  },
  (DURATION_S + 240) * 1000,
);
watchdog.unref();

main()
  .then(async (code) => {
    await cleanup(code === 0);
    if (code !== 0) process.stdout.write(`logs kept in ${dir}\n`);
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    process.stderr.write(`soak failed: ${(err as Error).stack ?? String(err)}\n`);
    await cleanup(true);
    process.stdout.write(`logs kept in ${dir}\n`);
    process.exit(1);
  });
