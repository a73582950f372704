/**
 * @module bench/cold-start
 *
 * Whole-process cold runs of the built `omsm` binary (bin/omsm.js over the esbuild bundle in
 * dist/bundle/, what a package install runs; `npm run build` first), each beside a baseline
 * measured in the same run:
 *
 * - `omsm ingestion resolve` with 3 and with 1,000 `secret:` references against the official
 *   Python client's whole process doing upstream's sequential reads (python3-kubernetes: import,
 *   load the kubeconfig, one `read_namespaced_secret` after another), same emulator, same Secrets,
 *   same get-only identity;
 * - the same two resolve runs on Node 24 (the current LTS; it caches compiled code between runs,
 *   bin/omsm.js) when a Node 24 binary is at hand: `OMSM_BENCH_NODE24`, or the one `.ci/run`
 *   installs (`npm install --prefix ${TMPDIR:-/tmp}/omsm-node24 node@24`); skipped otherwise;
 * - a floor for those runs: a Node process with no libraries at all (node:https, 16 keep-alive
 *   GETs at a time, as omsm reads), against the same Python baseline. omsm's ratio cannot exceed
 *   this one against the same emulator; it says how much of a goal is left to omsm's own code;
 * - `omsm --version` and `omsm secret-name a b` against `node -e 0`;
 * - `omsm serve` (production config: SQLite, the kubernetes provider) time to a ready `/healthz`
 *   and its RSS then, against the start through tsx that bin/omsm.js did before the build step
 *   (`node --import tsx src/cli/main.ts`).
 *
 * Each figure is the median of several runs, interleaved with its baseline so load on the shared
 * machine hits both alike. The emulator runs in a worker thread of this process (no added latency:
 * the figures are start-up costs).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { getOnlyRbac, seedSecret } from '../test/support/ingestion-emulator-fixture.js';
import type { BenchResult } from './bench-types.js';
import { EmulatorThread } from './emulator-thread.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'omsm.js');
const NS = 'secrets';
const N = 1000;
const RUNS = 7;
const PYTHON = '/usr/bin/python3';

/** A Node 24 binary, if one is at hand (see the module comment). */
function node24(): string | undefined {
  const candidates = [
    process.env.OMSM_BENCH_NODE24,
    join(process.env.TMPDIR ?? '/tmp', 'omsm-node24', 'node_modules', 'node', 'bin', 'node'),
  ];
  for (const bin of candidates) {
    if (!bin || !existsSync(bin)) continue;
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
    if (v.startsWith('v24.')) return bin;
  }
  return undefined;
}

/** Wall-clock ms of one whole process; throws on a non-zero exit. */
function timed(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Medians of `a` and `b`, run alternately (one warm-up each, not counted). */
function paired(a: () => number, b: () => number, runs = RUNS): { a: number; b: number } {
  a();
  b();
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(a());
    bs.push(b());
  }
  return { a: median(as), b: median(bs) };
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** Starts `omsm serve`, returns ms until /healthz answers 200 and the RSS (MiB) at that moment. */
async function serveOnce(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; rss: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  try {
    for (;;) {
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) {
        const res = await fetch(`${url}/healthz`).catch(() => undefined);
        if (res?.status === 200) {
          const ms = performance.now() - t0;
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
          return { ms, rss: kb / 1024 };
        }
      }
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${err}`);
      if (performance.now() - t0 > 60_000) throw new Error(`serve not ready after 60 s: ${err}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    const closed = new Promise((r) => child.once('close', r));
    child.kill('SIGTERM');
    await closed;
  }
}

function workflow(names: readonly string[]): string {
  const lines = [
    'source:',
    '  type: mysql',
    '  serviceName: bench',
    '  serviceConnection:',
    '    config:',
    '      passwords:',
    ...names.map((n) => `        - password: secret:${n}`),
    'workflowConfig:',
    '  openMetadataServerConfig:',
    '    secretsManagerProvider: kubernetes',
    '    secretsManagerLoader: env',
    '',
  ];
  return lines.join('\n');
}

/**
 * The floor: reading the Secrets with nothing but node:https (argv: server, CA file, token file,
 * namespace, names file). Start-up, TLS, HTTP and JSON parsing; no client, no config, no YAML.
 */
const FLOOR_READS = `
import { readFileSync } from 'node:fs';
import { Agent, get } from 'node:https';
const [server, caFile, tokenFile, ns, namesFile] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: readFileSync(caFile) });
const headers = { authorization: 'Bearer ' + readFileSync(tokenFile, 'utf8').trim(), accept: 'application/json' };
const names = readFileSync(namesFile, 'utf8').split(/\\s+/).filter(Boolean);
const read = (name) => new Promise((ok, fail) => {
  get(server + '/api/v1/namespaces/' + ns + '/secrets/' + name, { agent, headers }, (res) => {
    let body = '';
    res.setEncoding('utf8').on('data', (d) => { body += d; }).on('end', () => {
      if (res.statusCode !== 200) fail(new Error(name + ': ' + res.statusCode));
      else ok(JSON.parse(body));
    });
  }).on('error', fail);
});
let next = 0;
const worker = async () => { while (next < names.length) await read(names[next++]); };
await Promise.all(Array.from({ length: 16 }, worker));
agent.destroy();
`;

/** Upstream's read pattern with the official client: one get after another. */
const PYTHON_READS = `
import sys
from kubernetes import client, config
config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
for name in open(sys.argv[3]).read().split():
    v1.read_namespaced_secret(name, sys.argv[2])
`;

export async function run(): Promise<BenchResult[]> {
  const emu = new EmulatorThread([NS]);
  await emu.ready;
  const dir = mkdtempSync(join(tmpdir(), 'omsm-bench-cold-'));
  const rows: BenchResult[] = [];
  try {
    await emu.call('apply', getOnlyRbac(NS, 'ingest'));
    const kubeconfig = await emu.call<string>('writeServiceAccountKubeconfig', NS, 'ingest');
    const names = Array.from({ length: N }, (_, i) => `openmetadata-database-cold${i}-password`);
    for (let i = 0; i < N; i += 200) {
      await emu.call(
        'apply',
        names.slice(i, i + 200).map((n, j) => seedSecret(n, NS, `cold-value-${i + j}`)),
      );
    }
    const py = join(dir, 'reads.py');
    writeFileSync(py, PYTHON_READS);
    const env = { ...process.env, KUBERNETES_KUBECONFIG_PATH: kubeconfig, KUBERNETES_NAMESPACE: NS };
    const kc = load(readFileSync(kubeconfig, 'utf8')) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { token: string } }[];
    };
    const floor = join(dir, 'floor.mjs');
    const caFile = join(dir, 'ca.crt');
    const tokenFile = join(dir, 'token');
    writeFileSync(floor, FLOOR_READS);
    writeFileSync(caFile, Buffer.from(kc.clusters[0]!.cluster['certificate-authority-data'], 'base64'));
    writeFileSync(tokenFile, kc.users[0]!.user.token);
    const server = kc.clusters[0]!.cluster.server;
    const n24 = node24();
    const nodes: [string, string][] = [[process.execPath, `Node ${process.versions.node}`]];
    if (n24) nodes.push([n24, 'Node 24']);
    for (const [node, label] of nodes)
      for (const count of [3, N]) {
        const wf = join(dir, `wf-${count}.yaml`);
        const list = join(dir, `names-${count}.txt`);
        writeFileSync(wf, workflow(names.slice(0, count)));
        writeFileSync(list, names.slice(0, count).join('\n'));
        const out = join(dir, `resolved-${count}.yaml`);
        const m = paired(
          () => timed(node, [BIN, 'ingestion', 'resolve', '-c', wf, '--output-file', out], env),
          () => timed(PYTHON, [py, kubeconfig, NS, list]),
          count === N ? 5 : RUNS,
        );
        rows.push({
          area: 'cold start',
          operation: `ingestion resolve, ${count} references, whole process, ${label} (ms)`,
          omsm: round(m.a),
          baseline: round(m.b),
          unit: 'ms',
          ratio: round(m.b / m.a),
          note: `baseline: python3-kubernetes, ${count} sequential read_namespaced_secret; at least 1× required; goal ${count >= 1000 ? '≥ 3×' : '≥ 1.5×'} (issue 12)`,
        });
      }
    for (const count of [3, N]) {
      const list = join(dir, `names-${count}.txt`);
      const m = paired(
        () => timed(process.execPath, [floor, server, caFile, tokenFile, NS, list]),
        () => timed(PYTHON, [py, kubeconfig, NS, list]),
        count === N ? 5 : RUNS,
      );
      rows.push({
        area: 'cold start',
        operation: `floor: plain node:https reads, ${count} Secrets, whole process, Node ${process.versions.node} (ms)`,
        omsm: round(m.a),
        baseline: round(m.b),
        unit: 'ms',
        ratio: round(m.b / m.a),
        note: 'no libraries, 16 keep-alive GETs at a time; the most any Node client reaches against this emulator and machine',
      });
    }
    for (const args of [['--version'], ['secret-name', 'a', 'b']]) {
      const m = paired(
        () => timed(process.execPath, [BIN, ...args]),
        () => timed(process.execPath, ['-e', '0']),
      );
      rows.push({
        area: 'cold start',
        operation: `omsm ${args.join(' ')}, whole process (ms)`,
        omsm: round(m.a),
        baseline: round(m.b),
        unit: 'ms',
        ratio: round(m.b / m.a),
        note: 'baseline: node -e 0; goal: omsm within 2.5× (ratio ≥ 0.4)',
      });
    }

    // A production serve: SQLite and the kubernetes provider (the ingest identity can only get,
    // so the start-up access check warns; that call is part of every real start too).
    const serveEnv = (tag: string) => ({
      ...process.env,
      SECRET_MANAGER: 'kubernetes',
      OM_SM_KUBECONFIG_PATH: kubeconfig,
      OM_SM_NAMESPACE: NS,
      OM_DATABASE: join(dir, `serve-${tag}.db`),
      OM_JWT_SECRET: 'cold-start-bench-signing-key-0123456789abcdef',
      SERVER_PORT: '0',
    });
    const compiled = [BIN, 'serve'];
    const tsx = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'serve'];
    const a: { ms: number; rss: number }[] = [];
    const b: { ms: number; rss: number }[] = [];
    await serveOnce(compiled, serveEnv('a'));
    await serveOnce(tsx, serveEnv('b'));
    for (let i = 0; i < 5; i++) {
      a.push(await serveOnce(compiled, serveEnv('a')));
      b.push(await serveOnce(tsx, serveEnv('b')));
    }
    const aMs = median(a.map((x) => x.ms));
    const bMs = median(b.map((x) => x.ms));
    const aRss = median(a.map((x) => x.rss));
    const bRss = median(b.map((x) => x.rss));
    const note =
      'baseline: the same serve through tsx (node --import tsx src/cli/main.ts), as before the build';
    rows.push(
      {
        area: 'cold start',
        operation: 'omsm serve (kubernetes provider) to a ready /healthz (ms)',
        omsm: round(aMs),
        baseline: round(bMs),
        unit: 'ms',
        ratio: round(bMs / aMs),
        note,
      },
      {
        area: 'cold start',
        operation: 'omsm serve (kubernetes provider) RSS at ready (MiB)',
        omsm: round(aRss),
        baseline: round(bRss),
        unit: 'MiB',
        ratio: round(bRss / aRss),
        note,
      },
    );
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
