/**
 * @module bench/emulator
 *
 * kube-emulator throughput for Secret get and create with @kubernetes/client-node at concurrency
 * 32, beside a baseline measured in the same run: a bare Node `https` server (same TLS setup,
 * same client) that answers every request with a fixed Secret JSON. The ratio shows how much of
 * the client+TLS+HTTP ceiling the emulator keeps; close to 1 means it is not the bottleneck.
 */
import { Agent, createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startEmulator } from '../src/emulator/index.js';
import { createCa, issueServingCert } from '../src/emulator/pki.js';
import type { BenchResult } from './bench-types.js';

const NS = 'bench';
const CONCURRENCY = 32;
const N = 3000;

async function throughput(n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await op(next++);
  };
  // Warm-up (connections, JIT) outside the timed window.
  for (let i = 0; i < 300; i++) await op(-1 - i);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return n / ((performance.now() - t0) / 1000);
}

/** One request over a keep-alive agent (what a pooled client does); resolves with the status. */
function rawCall(
  agent: Agent,
  url: string,
  ca: string,
  token: string,
  method: 'GET' | 'POST',
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        ca,
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function baselineServer(): Promise<{
  api: CoreV1Api;
  url: string;
  ca: string;
  close(): Promise<void>;
}> {
  const ca = await createCa();
  const cert = await issueServingCert(ca);
  const secret = JSON.stringify({
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: {
      name: 's',
      namespace: NS,
      uid: '6c1f3c2e-0000-4000-8000-000000000000',
      resourceVersion: '1',
      creationTimestamp: '2025-01-01T00:00:00Z',
    },
    data: { password: 'cGFzc3dvcmQ=' },
    type: 'Opaque',
  });
  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(req.method === 'POST' ? 201 : 200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(secret),
      });
      res.end(secret);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'b', server: `https://127.0.0.1:${port}`, caData: Buffer.from(ca.certPem).toString('base64') },
    ],
    users: [{ name: 'u', token: 'baseline' }],
    contexts: [{ name: 'b', cluster: 'b', user: 'u' }],
    currentContext: 'b',
  });
  return {
    api: kc.makeApiClient(CoreV1Api),
    url: `https://127.0.0.1:${port}`,
    ca: ca.certPem,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export async function run(): Promise<BenchResult[]> {
  const emu = await startEmulator({ namespaces: [NS] });
  const base = await baselineServer();
  try {
    // A token-authenticated identity with the contract's verbs, so RBAC is evaluated on every call.
    await emu.apply([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'secrets-rw', namespace: NS },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get', 'update', 'delete'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'secrets-rw', namespace: NS },
        subjects: [{ kind: 'ServiceAccount', name: 'bench-sa', namespace: NS }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secrets-rw' },
      },
    ]);
    const kc = new KubeConfig();
    kc.loadFromFile(await emu.writeServiceAccountKubeconfig(NS, 'bench-sa'));
    const api = kc.makeApiClient(CoreV1Api);
    await api.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 's' }, data: { password: Buffer.from('password').toString('base64') } },
    });

    const getEmu = await throughput(N, () => api.readNamespacedSecret({ name: 's', namespace: NS }));
    const getBase = await throughput(N, () => base.api.readNamespacedSecret({ name: 's', namespace: NS }));
    const body = (i: number) => ({
      metadata: { name: `c-${i < 0 ? `w${-i}` : i}`, labels: { app: 'bench' } },
      data: { password: Buffer.from(`p${i}`).toString('base64') },
    });
    const createEmu = await throughput(N, (i) =>
      api.createNamespacedSecret({ namespace: NS, body: body(i) }),
    );
    const createBase = await throughput(N, (i) =>
      base.api.createNamespacedSecret({ namespace: NS, body: body(i) }),
    );
    // The same two operations over a pooled keep-alive agent: client-node 1.4 opens a new TLS
    // connection per request, which hides the server's own cost.
    const token = String((kc.getCurrentUser() as { token?: string } | null)?.token ?? '');
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const baseAgent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const secretPath = `/api/v1/namespaces/${NS}/secrets`;
    const rawGetEmu = await throughput(N * 3, () =>
      rawCall(agent, `${emu.url}${secretPath}/s`, emu.caPem, token, 'GET'),
    );
    const rawGetBase = await throughput(N * 3, () =>
      rawCall(baseAgent, `${base.url}${secretPath}/s`, base.ca, token, 'GET'),
    );
    const rawCreateEmu = await throughput(N * 3, (i) =>
      rawCall(
        agent,
        `${emu.url}${secretPath}`,
        emu.caPem,
        token,
        'POST',
        JSON.stringify(body(i + 1_000_000)),
      ),
    );
    const rawCreateBase = await throughput(N * 3, (i) =>
      rawCall(
        baseAgent,
        `${base.url}${secretPath}`,
        base.ca,
        token,
        'POST',
        JSON.stringify(body(i + 1_000_000)),
      ),
    );
    agent.destroy();
    baseAgent.destroy();
    const rawNote = `keep-alive https agent, concurrency ${CONCURRENCY}, ${N * 3} requests, ServiceAccount token + RBAC; baseline: bare https server with a fixed JSON body`;
    const note = `client-node 1.4, concurrency ${CONCURRENCY}, ${N} requests, ServiceAccount token + RBAC; baseline: bare https server with a fixed JSON body`;
    return [
      {
        area: 'emulator',
        operation: 'Secret get throughput',
        omsm: getEmu,
        baseline: getBase,
        unit: 'req/s',
        ratio: getEmu / getBase,
        note,
      },
      {
        area: 'emulator',
        operation: 'Secret create throughput',
        omsm: createEmu,
        baseline: createBase,
        unit: 'req/s',
        ratio: createEmu / createBase,
        note,
      },
      {
        area: 'emulator',
        operation: 'Secret get throughput (keep-alive client)',
        omsm: rawGetEmu,
        baseline: rawGetBase,
        unit: 'req/s',
        ratio: rawGetEmu / rawGetBase,
        note: rawNote,
      },
      {
        area: 'emulator',
        operation: 'Secret create throughput (keep-alive client)',
        omsm: rawCreateEmu,
        baseline: rawCreateBase,
        unit: 'req/s',
        ratio: rawCreateEmu / rawCreateBase,
        note: rawNote,
      },
    ];
  } finally {
    await base.close();
    await emu.close();
  }
}
