/**
 * Property tests for the HTTP API: random and mutated requests against EVERY write endpoint
 * (POST/PUT/PATCH/DELETE of every service type, ingestion pipelines, bots, bot users, automation
 * workflows; restore, generateToken, revokeToken), on the in-process server (SQLite in a temp dir,
 * the kubernetes provider on kube-emulator as a ServiceAccount holding omsm's server Role (docs/contract.md#rbac)).
 *
 * Each request must end in a 2xx, or a 4xx whose body carries an `OMSM_ERR_` code — never a 5xx or
 * a crash. After a refused request nothing changed: the entities (id → version) and the Secrets of
 * the namespace (name → resourceVersion) are exactly as before, so no partial write. Every secret
 * value sent is a canary: the leak guard fails the file if one reaches a response, and each
 * response is checked here too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import fc from 'fast-check';
import type { KubeEmulator } from '../src/emulator/index.js';
import { SERVICE_TYPES } from '../src/domain/kinds.js';
import { CANARY_PATTERN, canary } from './support/canary.js';
import { buildTestServer, kubeProvider, startTestEmulator, type TestServer } from './support/test-server.js';
import { dbtPipeline, testConnectionWorkflow } from './support/server-payloads.js';

const NS = 'omsm-fuzz';
const RUNS = 80;

let emulator: KubeEmulator;
let core: CoreV1Api;
let s: TestServer;
const figures = { requests: 0, ok: 0, refused: 0, byStatus: new Map<number, number>() };

const cleanups: (() => Promise<void>)[] = [];

async function setUp(): Promise<void> {
  let kubeconfigs: Map<string, string>;
  ({ emulator, kubeconfigs } = await startTestEmulator([NS]));
  const kc = new KubeConfig();
  kc.loadFromFile(emulator.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  s = await buildTestServer(
    { after: (fn: () => Promise<void>) => cleanups.push(fn) },
    {
      provider: await kubeProvider(kubeconfigs.get(NS)!, NS, 5000),
      env: { OM_SM_NAMESPACE: NS, PIPELINE_SERVICE_CLIENT_SECRETS_MANAGER_LOADER: 'env' },
    },
  );
}

async function tearDown(): Promise<void> {
  for (const fn of cleanups) await fn();
  await emulator?.close();
}

// --- state snapshots: what must not change after a refused request ---

async function snapshot(): Promise<{ entities: string; secrets: string }> {
  const rows: string[] = [];
  const kinds = [...SERVICE_TYPES.map((t) => t.kind), 'ingestionPipeline', 'bot', 'user', 'workflow'];
  for await (const page of s.app.store.scan(kinds)) {
    for (const e of page) rows.push(`${e.kind}/${e.id}/${e.version}/${e.deleted}`);
  }
  const list = await core.listNamespacedSecret({ namespace: NS });
  const secrets = list.items
    .map((x) => `${x.metadata?.name}@${x.metadata?.resourceVersion}`)
    .sort()
    .join(',');
  return { entities: rows.sort().join(','), secrets };
}

// --- request building ---

interface Req {
  readonly method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly payload?: string;
  readonly contentType?: string;
}

/** Sends one request and checks the invariants; returns the status. */
async function check(req: Req, secretsSent: readonly string[]): Promise<number> {
  const before = await snapshot();
  const headers: Record<string, string> = { ...s.admin };
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;
  const res = await s.app.inject({
    method: req.method,
    url: req.url,
    headers,
    ...(req.payload === undefined ? {} : { payload: req.payload }),
  });
  figures.requests++;
  figures.byStatus.set(res.statusCode, (figures.byStatus.get(res.statusCode) ?? 0) + 1);
  const where = `${req.method} ${req.url.slice(0, 120)} -> ${res.statusCode}`;
  CANARY_PATTERN.lastIndex = 0;
  assert.ok(!CANARY_PATTERN.test(res.body), `${where}: a secret value is in the response`);
  for (const v of secretsSent)
    assert.ok(!res.body.includes(v), `${where}: a secret value is in the response`);
  assert.ok(res.statusCode < 500, `${where}: ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400) {
    figures.refused++;
    const body = res.json() as { code?: string; message?: string };
    assert.match(String(body.code), /^OMSM_ERR_[A-Z_]+$/, `${where}: ${res.body.slice(0, 200)}`);
    assert.equal(typeof body.message, 'string');
    const afterState = await snapshot();
    assert.equal(afterState.entities, before.entities, `${where}: entities changed by a refused request`);
    assert.equal(afterState.secrets, before.secrets, `${where}: Secrets changed by a refused request`);
  } else {
    figures.ok++;
  }
  return res.statusCode;
}

const json = (v: unknown) => JSON.stringify(v);

/** Valid bodies per collection; the fuzz mutates these. */
function serviceBody(collection: string, name: string, pw: string): Record<string, unknown> {
  const configs: Record<string, Record<string, unknown>> = {
    databaseServices: { type: 'Mysql', username: 'u', hostPort: 'db:3306', authType: { password: pw } },
    dashboardServices: { type: 'Tableau', hostPort: 'https://t', authType: { username: 'u', password: pw } },
    messagingServices: { type: 'Kafka', bootstrapServers: 'k:9092', saslPassword: pw },
    pipelineServices: {
      type: 'Airflow',
      hostPort: 'http://a:8080',
      connection: { type: 'Mysql', username: 'u', hostPort: 'db:3306', authType: { password: pw } },
    },
  };
  const config = configs[collection];
  return {
    name,
    serviceType: config ? config.type : 'Custom',
    ...(config ? { connection: { config } } : {}),
    description: 'fuzz',
  };
}

/** Mutations of a valid body (a JSON object tree). */
type Mutation = (body: Record<string, unknown>, pw: string) => unknown;

const leafKeys = fc.constantFrom(
  'name',
  'serviceType',
  'connection',
  'config',
  'type',
  'authType',
  'password',
  'service',
  'id',
  'sourceConfig',
  'pipelineType',
  'request',
  'workflowType',
  'botUser',
  'isBot',
  'provider',
  'unknownField',
  '__proto__',
  'constructor',
);

function setDeep(body: unknown, key: string, value: unknown, depthPick: number): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let cur: Record<string, unknown> = copy;
  for (let i = 0; i < depthPick; i++) {
    const objs = Object.entries(cur).filter(
      ([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v),
    );
    if (objs.length === 0) break;
    cur = objs[i % objs.length]![1] as Record<string, unknown>;
  }
  // A JSON body may carry "__proto__" as a plain key; defineProperty keeps it one.
  Object.defineProperty(cur, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

function removeDeep(body: unknown, depthPick: number): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let cur: Record<string, unknown> = copy;
  for (let i = 0; i < depthPick; i++) {
    const objs = Object.values(cur).filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
    if (objs.length === 0) break;
    cur = objs[i % objs.length] as Record<string, unknown>;
  }
  const keys = Object.keys(cur);
  if (keys.length > 0) delete cur[keys[depthPick % keys.length]!];
  return copy;
}

function nested(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 3 === 0 ? [v] : { a: v };
  return v;
}

const jsonAnything = fc.jsonValue({ maxDepth: 4 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Unchanged valid bodies, so that successful writes (and their Secrets) happen between failures.
  { weight: 5, arbitrary: fc.constant<Mutation>((b) => b) },
  fc.tuple(leafKeys, jsonAnything, fc.nat(4)).map(
    ([k, v, d]) =>
      (b: Record<string, unknown>) =>
        setDeep(b, k, v, d),
  ),
  fc.nat(6).map((d) => (b: Record<string, unknown>) => removeDeep(b, d)),
  fc.tuple(leafKeys, fc.integer({ min: 300, max: 70_000 }), fc.nat(4)).map(
    ([k, n, d]) =>
      (b: Record<string, unknown>) =>
        setDeep(b, k, 'y'.repeat(n), d),
  ),
  fc.tuple(leafKeys, fc.integer({ min: 10, max: 3000 }), fc.nat(4)).map(
    ([k, n, d]) =>
      (b: Record<string, unknown>) =>
        setDeep(b, k, nested(n), d),
  ),
  // A plain string moved into any field (not a canary: a field the schema does not mark as a
  // password is not secret, and echoing it is right).
  fc.tuple(leafKeys, fc.nat(4)).map(
    ([k, d]) =>
      (b: Record<string, unknown>) =>
        setDeep(b, k, 'moved-value', d),
  ),
  fc.constantFrom<Mutation>(
    (b, pw) => setDeep(b, 'password', { nested: pw }, 3),
    (b, pw) => setDeep(b, 'password', [pw], 3),
    (b) => setDeep(b, 'password', 'secret:openmetadata-foreign-secret', 3),
    (b) => setDeep(b, 'password', '*********', 3),
    (b) => setDeep(b, 'name', 'a::b', 0),
    (b) => setDeep(b, 'name', '', 0),
    (b) => setDeep(b, 'name', '../../x', 0),
    (b) => setDeep(b, 'name', 'a\r\nX-Injected: 1', 0),
    (b) => setDeep(b, 'name', 'a\u0000b', 0),
    (b) => setDeep(b, 'name', '%2F..%2F', 0),
  ),
  // Not an object at all.
  jsonAnything.map((v) => () => v),
);

/** How the body goes on the wire. */
const wire = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constant<{ kind: 'json'; ct: string }>({ kind: 'json', ct: 'application/json' }),
  },
  fc.constantFrom(
    { kind: 'json' as const, ct: 'application/json; charset=utf-8' },
    { kind: 'json' as const, ct: 'text/plain' },
    { kind: 'json' as const, ct: 'application/x-www-form-urlencoded' },
    { kind: 'json' as const, ct: 'multipart/form-data; boundary=x' },
    { kind: 'json' as const, ct: 'application/json-patch+json' },
    { kind: 'json' as const, ct: 'application/yaml' },
    { kind: 'broken' as const, ct: 'application/json' },
    { kind: 'none' as const, ct: 'application/json' },
  ),
);

function encode(
  body: unknown,
  w: { kind: 'json' | 'broken' | 'none'; ct: string },
  cut: number,
): Req['payload'] {
  if (w.kind === 'none') return undefined;
  const text = json(body) ?? 'null';
  return w.kind === 'broken' ? text.slice(0, cut % Math.max(1, text.length)) + '\u0000{' : text;
}

// --- fixtures: one entity of each kind to aim PUT/PATCH/DELETE at ---

interface Fixture {
  readonly serviceIds: Map<string, string>;
  readonly pipelineId: string;
  readonly botId: string;
  readonly botUserId: string;
  readonly workflowId: string;
}
let fx: Fixture;

async function createOk(url: string, body: unknown): Promise<string> {
  const res = await s.app.inject({ method: 'POST', url, headers: s.admin, payload: body as object });
  assert.equal(res.statusCode, 201, res.body.slice(0, 300));
  return (res.json() as { id: string }).id;
}

describe('HTTP API fuzz (in-process server, sqlite, kubernetes provider on kube-emulator)', () => {
  before(async () => {
    await setUp();
    const serviceIds = new Map<string, string>();
    for (const t of SERVICE_TYPES) {
      serviceIds.set(
        t.collection,
        await createOk(
          `/api/v1/services/${t.collection}`,
          serviceBody(t.collection, `fx_${t.root}`, canary()),
        ),
      );
    }
    const pipelineId = await createOk(
      '/api/v1/services/ingestionPipelines',
      dbtPipeline('fx_pipe', serviceIds.get('databaseServices')!, canary()),
    );
    const botId = await createOk('/api/v1/bots', { name: 'fx-bot' });
    const bot = await s.app.inject({ method: 'GET', url: `/api/v1/bots/${botId}`, headers: s.admin });
    const botUserId = (bot.json() as { botUser: { id: string } }).botUser.id;
    const workflowId = await createOk(
      '/api/v1/automations/workflows',
      testConnectionWorkflow('fx-flow', canary()),
    );
    fx = { serviceIds, pipelineId, botId, botUserId, workflowId };
  });

  after(async () => {
    await tearDown();
    const statuses = [...figures.byStatus].sort(([a], [b]) => a - b).map(([k, v]) => `${k}:${v}`);
    process.stdout.write(
      `# fuzz-api figures: ${figures.requests} requests, ${figures.ok} 2xx, ${figures.refused} 4xx (${statuses.join(' ')})\n`,
    );
  });

  const pathPart = fc.oneof(
    { weight: 6, arbitrary: fc.constant('<fixture>') },
    fc.string({ maxLength: 40 }).map((x) => encodeURIComponent(x)),
    fc.constantFrom(
      '%2F..%2F',
      '..',
      '%00',
      '%0d%0aX-Injected:%201',
      'a'.repeat(100),
      'a'.repeat(3000),
      '00000000-0000-0000-0000-000000000000',
    ),
  );
  const query = fc.constantFrom(
    '',
    '?hardDelete=true',
    '?hardDelete=true&recursive=true',
    '?recursive=maybe',
    '?hardDelete=1&x=y',
  );

  test('services of every type: POST, PUT, PATCH, DELETE by id and name, restore', async () => {
    const collections = SERVICE_TYPES.map((t) => t.collection);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...collections),
        fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'DELETE_NAME', 'RESTORE'),
        fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/),
        mutation,
        wire,
        pathPart,
        query,
        fc.nat(),
        async (collection, op, name, mutate, w, part, q, cut) => {
          const pw = canary();
          const base = `/api/v1/services/${collection}`;
          const id = part === '<fixture>' ? fx.serviceIds.get(collection)! : part;
          // PUT aims at the fixture's name half the time (an update), else creates.
          const target =
            cut % 2 === 0 ? `fx_${SERVICE_TYPES.find((t) => t.collection === collection)!.root}` : name;
          const body = mutate(serviceBody(collection, op === 'PUT' ? target : `fz_${name}`, pw), pw);
          const req: Req =
            op === 'POST' || op === 'PUT'
              ? { method: op, url: base, payload: encode(body, w, cut), contentType: w.ct }
              : op === 'PATCH'
                ? {
                    method: 'PATCH',
                    url: `${base}/${id}`,
                    payload: encode(
                      [
                        { op: 'replace', path: '/description', value: pw.slice(0, 3) },
                        {
                          op: cut % 3 === 0 ? 'add' : 'replace',
                          path: '/connection/config/authType/password',
                          value: pw,
                        },
                        ...(cut % 5 === 0 ? [{ op: 'remove', path: '/serviceType' }] : []),
                        ...(Array.isArray(body) ? body : [body]),
                      ].slice(0, 1 + (cut % 4)),
                      w.kind === 'json'
                        ? { kind: 'json', ct: cut % 2 ? 'application/json-patch+json' : w.ct }
                        : w,
                      cut,
                    ),
                    contentType: cut % 2 ? 'application/json-patch+json' : w.ct,
                  }
                : op === 'DELETE'
                  ? { method: 'DELETE', url: `${base}/${id}${q}` }
                  : op === 'DELETE_NAME'
                    ? {
                        method: 'DELETE',
                        url: `${base}/name/${part === '<fixture>' ? `fz_${name}` : part}${q}`,
                      }
                    : {
                        method: 'PUT',
                        url: `${base}/restore`,
                        payload: encode(mutate({ id }, pw), w, cut),
                        contentType: w.ct,
                      };
          await check(req, [pw]);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  test('ingestion pipelines: POST, PUT, PATCH, DELETE, restore', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'RESTORE'),
        fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/),
        mutation,
        wire,
        pathPart,
        query,
        fc.nat(),
        async (op, name, mutate, w, part, q, cut) => {
          const pw = canary();
          const base = '/api/v1/services/ingestionPipelines';
          const id = part === '<fixture>' ? fx.pipelineId : part;
          const svc = fx.serviceIds.get('databaseServices')!;
          const body = mutate(
            dbtPipeline(op === 'PUT' && cut % 2 === 0 ? 'fx_pipe' : `fz_${name}`, svc, pw),
            pw,
          );
          const req: Req =
            op === 'POST' || op === 'PUT'
              ? { method: op, url: base, payload: encode(body, w, cut), contentType: w.ct }
              : op === 'PATCH'
                ? {
                    method: 'PATCH',
                    url: `${base}/${id}`,
                    payload: encode(
                      [
                        {
                          op: 'replace',
                          path: '/sourceConfig/config/dbtConfigSource/dbtSecurityConfig/awsSecretAccessKey',
                          value: pw,
                        },
                        { op: 'replace', path: '/service/id', value: 'x' },
                        body,
                      ].slice(0, 1 + (cut % 3)),
                      w,
                      cut,
                    ),
                    contentType: 'application/json-patch+json',
                  }
                : op === 'DELETE'
                  ? { method: 'DELETE', url: `${base}/${id}${q}` }
                  : {
                      method: 'PUT',
                      url: `${base}/restore`,
                      payload: encode(mutate({ id }, pw), w, cut),
                      contentType: w.ct,
                    };
          await check(req, [pw]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('bots and bot users: POST, PUT, PATCH, DELETE, restore, generateToken, revokeToken', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('bots', 'users'),
        fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'RESTORE', 'GENERATE', 'REVOKE'),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
        mutation,
        wire,
        pathPart,
        query,
        fc.nat(),
        async (coll, op, name, mutate, w, part, q, cut) => {
          const pw = canary();
          const base = `/api/v1/${coll}`;
          const fixtureId = coll === 'bots' ? fx.botId : fx.botUserId;
          const id = part === '<fixture>' ? fixtureId : part;
          const valid =
            coll === 'bots'
              ? { name: `fz-${name}`, description: 'd' }
              : {
                  name: `fz-${name}`,
                  isBot: true,
                  email: `${name}@x.io`,
                  authenticationMechanism: { authType: 'JWT', config: { JWTTokenExpiry: '7', JWTToken: pw } },
                };
          const body = mutate(valid, pw);
          const expiry = fc.sample(fc.constantFrom('OneHour', '7', 'Unlimited', 'never', ''), {
            numRuns: 1,
            seed: cut,
          })[0];
          const req: Req =
            op === 'POST' || op === 'PUT'
              ? { method: op, url: base, payload: encode(body, w, cut), contentType: w.ct }
              : op === 'PATCH'
                ? {
                    method: 'PATCH',
                    url: `${base}/${id}`,
                    payload: encode(
                      [
                        { op: 'replace', path: '/description', value: 'x' },
                        { op: 'replace', path: '/authenticationMechanism/config/JWTToken', value: pw },
                        { op: 'remove', path: '/botUser' },
                        body,
                      ].slice(cut % 2, 1 + (cut % 4)),
                      w,
                      cut,
                    ),
                    contentType: 'application/json-patch+json',
                  }
                : op === 'DELETE'
                  ? { method: 'DELETE', url: `${base}/${id}${q}` }
                  : op === 'RESTORE'
                    ? {
                        method: 'PUT',
                        url: `${base}/restore`,
                        payload: encode(mutate({ id }, pw), w, cut),
                        contentType: w.ct,
                      }
                    : op === 'GENERATE'
                      ? {
                          method: 'PUT',
                          url: `/api/v1/users/generateToken/${part === '<fixture>' ? fx.botUserId : part}`,
                          payload: encode(mutate({ JWTTokenExpiry: expiry }, pw), w, cut),
                          contentType: w.ct,
                        }
                      : {
                          method: 'PUT',
                          url: '/api/v1/users/revokeToken',
                          payload: encode(mutate({ id: fx.botUserId }, pw), w, cut),
                          contentType: w.ct,
                        };
          await check(req, [pw]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('automation workflows: POST, PUT, PATCH, DELETE', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE'),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
        mutation,
        wire,
        pathPart,
        fc.nat(),
        async (op, name, mutate, w, part, cut) => {
          const pw = canary();
          const base = '/api/v1/automations/workflows';
          const id = part === '<fixture>' ? fx.workflowId : part;
          const body = mutate(
            testConnectionWorkflow(op === 'PUT' && cut % 2 === 0 ? 'fx-flow' : `fz-${name}`, pw),
            pw,
          );
          const req: Req =
            op === 'POST' || op === 'PUT'
              ? { method: op, url: base, payload: encode(body, w, cut), contentType: w.ct }
              : op === 'PATCH'
                ? {
                    method: 'PATCH',
                    url: `${base}/${id}`,
                    payload: encode(
                      [
                        { op: 'replace', path: '/request/connection/config/authType/password', value: pw },
                        { op: 'replace', path: '/workflowType', value: 'REVERSE_INGESTION' },
                        body,
                      ].slice(0, 1 + (cut % 3)),
                      w,
                      cut,
                    ),
                    contentType: 'application/json-patch+json',
                  }
                : // Deleting the fixture would end the PUT/PATCH coverage: aim deletes at fuzz names.
                  { method: 'DELETE', url: `${base}/${part === '<fixture>' ? 'fz-none' : part}` };
          await check(req, [pw]);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
