/**
 * `omsm rbac` output, applied with the real kubectl to kube-emulator, makes `omsm doctor` pass for
 * the server identity; a weaker identity gets exactly its missing verbs reported. deploy/rbac.yaml
 * applies as it is.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type KubeEmulator, startEmulator } from '../src/emulator/index.js';
import { rbac } from '../src/cli/commands/rbac.js';
import { loadConnection } from '../src/ingestion/loaders/registry.js';
import { runDoctor } from '../src/ops/doctor/run-doctor.js';
import { runCli } from './support/cli.js';
import { run } from './support/spawn.js';

let emu: KubeEmulator;
const dir = mkdtempSync(join(tmpdir(), 'omsm-rbac-'));
const cache = join(dir, 'kcache');

/** kubectl as a child process; async, since the emulator answers from this very event loop. */
function kubectl(
  args: string[],
  input = '',
): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return run('kubectl', args, { env: { KUBECACHEDIR: cache }, input, scan: 'none' }).then((r) => ({
    status: r.code,
    stdout: r.stdout,
    stderr: r.stderr,
  }));
}
const kubectlApply = (yaml: string, kubeconfig: string) =>
  kubectl(['--kubeconfig', kubeconfig, 'apply', '-f', '-'], yaml);

function config(name: string, kubeconfig: string): string {
  const p = join(dir, name);
  writeFileSync(
    p,
    [
      'secretsManagerConfiguration:',
      '  secretsManager: kubernetes',
      '  parameters:',
      '    namespace: om',
      `    kubeconfigPath: ${kubeconfig}`,
      'pipelineServiceClientConfiguration:',
      '  secretsManagerLoader: env',
      'fernetConfiguration:',
      '  fernetKey: ihDpd4Cpz8vWcM0eNe3WGOK3TnZjhpF8ewVUlGP5pAM=',
      '',
    ].join('\n'),
  );
  return p;
}

before(async () => {
  emu = await startEmulator({ namespaces: ['om', 'openmetadata', 'airflow'] });
});
after(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('omsm rbac | kubectl apply -f -, then omsm doctor passes for the server ServiceAccount', async () => {
  const printed = await runCli([
    'rbac',
    '--secrets-namespace',
    'om',
    '--ingestion-sa',
    'airflow',
    '--ingestion-namespace',
    'airflow',
  ]);
  assert.equal(printed.code, 0, printed.stderr);
  const applied = await kubectlApply(printed.stdout, emu.kubeconfigPath);
  assert.equal(applied.status, 0, applied.stderr);
  assert.match(applied.stdout, /role.rbac.authorization.k8s.io\/openmetadata-secrets-role created/);

  const sa = await emu.writeServiceAccountKubeconfig('om', 'openmetadata-secrets-sa');
  const cfg = config('server.yaml', sa);
  const r = await runCli(['doctor', '-c', cfg, '--output', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as {
    ok: boolean;
    checks: { id: string; status: string; message: string }[];
  };
  assert.equal(report.ok, true);
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  assert.equal(byId.get('identity')?.status, 'ok');
  assert.match(byId.get('identity')!.message, /system:serviceaccount:om:openmetadata-secrets-sa/);
  for (const v of ['create', 'get', 'update', 'delete']) assert.equal(byId.get(`verb:${v}`)?.status, 'ok', v);

  // The separate ingestion identity: get only passes for the ingestion role, and fails the server role.
  const airflow = await emu.writeServiceAccountKubeconfig('airflow', 'airflow');
  // Ingestion with the env loader reads KUBERNETES_NAMESPACE: the same namespace as the server.
  // (In-process from here: the same code as the CLI, without a process start per check.)
  const ing = await runDoctor({
    loadIngestionConnection: loadConnection,
    configPath: cfg,
    role: 'ingestion',
    kubeconfig: airflow,
    env: { KUBERNETES_NAMESPACE: 'om' },
  });
  assert.equal(ing.exitCode, 0, JSON.stringify(ing.checks));
  const asServer = await runDoctor({ configPath: cfg, kubeconfig: airflow, env: {} });
  assert.equal(asServer.exitCode, 3);
  const failed = asServer.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  assert.deepEqual(failed, ['verb:create', 'verb:update', 'verb:delete']);
});

test('a weaker identity: doctor exits 3 and names exactly the missing verbs and the rbac fix', async () => {
  await emu.apply([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'weak', namespace: 'om' } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'weak-role', namespace: 'om' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'weak-rb', namespace: 'om' },
      subjects: [{ kind: 'ServiceAccount', name: 'weak', namespace: 'om' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'weak-role' },
    },
  ]);
  const weak = await emu.writeServiceAccountKubeconfig('om', 'weak');
  const cfg = config('weak.yaml', weak);
  const r = await runCli(['doctor', '-c', cfg, '--with-list']);
  assert.equal(r.code, 3);
  const failing = r.stdout.split('\n').filter((l) => l.includes('FAIL'));
  assert.deepEqual(
    failing.map((l) => /verb:(\w+)/.exec(l)?.[1]),
    ['update', 'delete', 'list'],
  );
  assert.match(
    r.stdout,
    /fix: omsm rbac -c .* --secrets-namespace om --server-sa weak --server-namespace om --with-list \| kubectl apply -f -/,
  );

  // Following the fix makes doctor pass.
  const fix = await rbac({ secretsNamespace: 'om', serverSa: 'weak', serverNamespace: 'om', withList: true });
  assert.equal((await kubectlApply(fix, emu.kubeconfigPath)).status, 0);
  const again = await runDoctor({ configPath: cfg, withList: true, env: {} });
  assert.equal(again.exitCode, 0, JSON.stringify(again.checks));
});

test('kubectl apply -f deploy/rbac.yaml works against the emulator', async () => {
  const r = await kubectl(['--kubeconfig', emu.kubeconfigPath, 'apply', '-f', 'deploy/rbac.yaml']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /serviceaccount\/openmetadata-secrets-sa (created|unchanged|configured)/);
  assert.match(r.stdout, /rolebinding.rbac.authorization.k8s.io\/openmetadata-secrets-rb created/);
});
