import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { coreProviderRegistry } from '../../core/providers/registry.js';
import { loadConnection } from '../../ingestion/loaders/registry.js';
import type { KubeProbe } from '../../kubernetes/doctor-probe.js';
import { createKubernetesModule } from '../../kubernetes/module.js';
import { runDoctor } from './run-doctor.js';

const dir = mkdtempSync(join(tmpdir(), 'omsm-doctor-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cfg = join(dir, 'om.yaml');

/** Every provider module with a fake doctor probe behind kubernetes; the loaders of ingestion. */
function withProbe(fake: () => KubeProbe) {
  return coreProviderRegistry().register(createKubernetesModule({ probe: fake }));
}
const loadIngestionConnection = loadConnection;
writeFileSync(
  cfg,
  'secretsManagerConfiguration:\n  secretsManager: kubernetes\n  parameters:\n    namespace: om\nfernetConfiguration:\n  fernetKey: ihDpd4Cpz8vWcM0eNe3WGOK3TnZjhpF8ewVUlGP5pAM=\n',
);

function probe(allowed: string[], opts: { whoami?: () => Promise<never> } = {}): KubeProbe {
  return {
    server: 'https://k8s.example',
    identityHint: 'kubeconfig user "x"',
    whoami:
      opts.whoami ??
      (async () => ({ username: 'system:serviceaccount:om:omsm', groups: ['system:serviceaccounts'] })),
    canI: async (_ns, verb) => ({ allowed: allowed.includes(verb), denied: !allowed.includes(verb) }),
    close() {},
  };
}

test('all verbs allowed: every check passes, exit 0', async () => {
  const r = await runDoctor({
    loadIngestionConnection,
    configPath: cfg,
    env: {},
    registry: withProbe(() => probe(['create', 'get', 'update', 'delete'])),
  });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(
    r.checks.map((c) => [c.id, c.status]),
    [
      ['config', 'ok'],
      ['fernet', 'ok'],
      ['reachable', 'ok'],
      ['identity', 'ok'],
      ['verb:create', 'ok'],
      ['verb:get', 'ok'],
      ['verb:update', 'ok'],
      ['verb:delete', 'ok'],
      ['namespace', 'skip'],
    ],
  );
});

test('a weaker identity: exactly the missing verbs fail, each with the omsm rbac fix for that SA', async () => {
  const r = await runDoctor({
    loadIngestionConnection,
    configPath: cfg,
    env: {},
    registry: withProbe(() => probe(['get'])),
  });
  assert.equal(r.exitCode, 3);
  const failed = r.checks.filter((c) => c.status === 'fail');
  assert.deepEqual(
    failed.map((c) => c.id),
    ['verb:create', 'verb:update', 'verb:delete'],
  );
  assert.equal(
    failed[0]!.fix,
    `omsm rbac -c ${cfg} --secrets-namespace om --server-sa omsm --server-namespace om | kubectl apply -f -`,
  );
});

test('ingestion role checks get only; --with-list adds list', async () => {
  const r = await runDoctor({
    loadIngestionConnection,
    configPath: cfg,
    env: {},
    role: 'ingestion',
    withList: true,
    registry: withProbe(() => probe(['get'])),
  });
  const verbs = r.checks.filter((c) => c.id.startsWith('verb:'));
  assert.deepEqual(
    verbs.map((c) => [c.id, c.status]),
    [
      ['verb:get', 'ok'],
      ['verb:list', 'fail'],
    ],
  );
  assert.match(verbs[1]!.fix!, /--ingestion-sa omsm --ingestion-namespace om --with-list/);
});

test('namespace mismatch between server and a workflow is flagged with the fix', async () => {
  const wf = join(dir, 'wf.yaml');
  writeFileSync(
    wf,
    'workflowConfig:\n  openMetadataServerConfig:\n    secretsManagerProvider: kubernetes\n    secretsManagerLoader: env\n',
  );
  const r = await runDoctor({
    loadIngestionConnection,
    configPath: cfg,
    env: { KUBERNETES_NAMESPACE: 'other' },
    workflowPath: wf,
    registry: withProbe(() => probe(['create', 'get', 'update', 'delete'])),
  });
  const ns = r.checks.find((c) => c.id === 'namespace')!;
  assert.equal(ns.status, 'fail');
  assert.match(ns.message, /"om" but ingestion would read "other"/);
  assert.match(ns.fix!, /KUBERNETES_NAMESPACE=om/);
  assert.equal(r.exitCode, 3);
  const ok = await runDoctor({
    loadIngestionConnection,
    configPath: cfg,
    env: { KUBERNETES_NAMESPACE: 'om' },
    workflowPath: wf,
    registry: withProbe(() => probe(['create', 'get', 'update', 'delete'])),
  });
  assert.equal(ok.checks.find((c) => c.id === 'namespace')!.status, 'ok');
  assert.equal(ok.exitCode, 0);
});

test('unreachable API server fails the reachable check and stops; 401 fails identity', async () => {
  const down = await runDoctor({
    loadIngestionConnection,
    configPath: cfg,
    env: {},
    registry: withProbe(() =>
      probe([], {
        whoami: async () => Promise.reject(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })),
      }),
    ),
  });
  assert.deepEqual(
    down.checks.slice(2).map((c) => [c.id, c.status]),
    [['reachable', 'fail']],
  );
  assert.match(down.checks[2]!.message, /ECONNREFUSED/);
  const bad = await runDoctor({
    loadIngestionConnection,
    configPath: cfg,
    env: {},
    registry: withProbe(() =>
      probe([], { whoami: async () => Promise.reject(Object.assign(new Error('x'), { code: 401 })) }),
    ),
  });
  assert.equal(bad.checks.find((c) => c.id === 'identity')?.status, 'fail');
});

test('a bad config is exit 2 and nothing else is checked', async () => {
  const badCfg = join(dir, 'bad.yaml');
  writeFileSync(badCfg, 'secretsManagerConfiguration:\n  secretsManager: aws\n');
  const r = await runDoctor({
    loadIngestionConnection,
    configPath: badCfg,
    env: {},
    registry: withProbe(() => assert.fail('no probe for a bad config')),
  });
  assert.equal(r.exitCode, 2);
  assert.equal(r.checks.length, 1);
});

test('the public default Fernet key is a warning, not a failure', async () => {
  const dflt = join(dir, 'db.yaml');
  writeFileSync(
    dflt,
    'secretsManagerConfiguration:\n  secretsManager: db\nfernetConfiguration:\n  fernetKey: jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=\n',
  );
  const r = await runDoctor({
    loadIngestionConnection,
    configPath: dflt,
    env: {},
  });
  assert.equal(r.checks.find((c) => c.id === 'fernet')?.status, 'warn');
  assert.equal(r.exitCode, 0);
});

test('a workflow with an explicit secretsManagerNamespace (what the server generates) is compared as is', async () => {
  const wf = join(dir, 'wf-explicit.yaml');
  writeFileSync(
    wf,
    'workflowConfig:\n  openMetadataServerConfig:\n    secretsManagerProvider: kubernetes\n    secretsManagerLoader: env\n    secretsManagerNamespace: elsewhere\n',
  );
  const r = await runDoctor({
    loadIngestionConnection,
    configPath: cfg,
    env: { KUBERNETES_NAMESPACE: 'om' },
    workflowPath: wf,
    registry: withProbe(() => probe(['create', 'get', 'update', 'delete'])),
  });
  const ns = r.checks.find((c) => c.id === 'namespace')!;
  assert.equal(ns.status, 'fail');
  assert.match(ns.message, /ingestion would read "elsewhere"/);
});
