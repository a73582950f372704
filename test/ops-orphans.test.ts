/**
 * `omsm secrets orphans` against kube-emulator: without `list` it says so and names
 * `omsm rbac --with-list`; with it, it reports exactly the unreferenced managed Secret and the
 * reference whose Secret was deleted, ignores foreign Secrets, and deletes only with --apply.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { loadConfig } from '../src/core/config/load-config.js';
import { asOmsmError } from '../src/core/errors.js';
import { secretId } from '../src/core/naming/secret-name.js';
import { type KubeEmulator, startEmulator } from '../src/emulator/index.js';
import { openMigration, sourceConfig } from '../src/ops/migrate/open-migration.js';
import { runMigration } from '../src/ops/migrate/run-migration.js';
import { runOrphans } from '../src/ops/orphans/run-orphans.js';
import { rbacObjects } from '../src/ops/rbac/rbac-manifests.js';
import { openProvider } from '../src/providers.js';
import { FERNET_KEY, NAMING, seedDatabase } from './support/populated-database.js';
import { type FreshDatabase, freshDatabase } from './support/database-dialects.js';
import { canary } from './support/canary.js';
import { runCli } from './support/cli.js';

let emu: KubeEmulator;
let db: FreshDatabase;
let cfgPath: string;
const dir = mkdtempSync(join(tmpdir(), 'omsm-orphans-'));

before(async () => {
  emu = await startEmulator({ namespaces: ['om'] });
  await emu.apply(rbacObjects({ secretsNamespace: 'om' }));
  const sa = await emu.writeServiceAccountKubeconfig('om', 'openmetadata-secrets-sa');
  db = await freshDatabase('sqlite');
  await seedDatabase(db.config, { services: 4, bots: 1, pipelines: 0 });
  cfgPath = join(dir, 'om.yaml');
  writeFileSync(
    cfgPath,
    `secretsManagerConfiguration:\n  secretsManager: kubernetes\n  parameters:\n    namespace: om\n    kubeconfigPath: ${sa}\nfernetConfiguration:\n  fernetKey: ${FERNET_KEY}\ndatabase:\n  scheme: sqlite\n  name: ${db.config.name}\n`,
  );
  const config = loadConfig({ path: cfgPath, env: {} });
  const m = await openMigration(config, sourceConfig(config, {}, {}), { deleteSource: false, dryRun: false });
  assert.equal((await runMigration({ ...m, rate: 0 })).exitCode, 0);
  await m.close();
  // An orphan (a managed Secret of this cluster no entity references), a Secret whose entity
  // reference will dangle, and two foreign Secrets that must never be reported.
  const provider = await openProvider(config);
  await provider.store(secretId(NAMING, ['database', 'deleted_service', 'password']), canary());
  await provider.close();
  const kc = new KubeConfig();
  kc.loadFromFile(emu.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  await core.deleteNamespacedSecret({
    name: 'openmetadata-database-svc-2-authtype-password',
    namespace: 'om',
  });
  await emu.apply([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'users-own', namespace: 'om' },
      data: { value: 'eA==' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'staging-database-x-password',
        namespace: 'om',
        labels: { app: 'openmetadata', 'managed-by': 'openmetadata-secrets-manager' },
        annotations: { 'secrets.openmetadata.org/id': 'staging/database/x/password' },
      },
      data: { value: 'eA==' },
    },
  ]);
});
after(async () => {
  await emu?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('without list: a clear error naming omsm rbac --with-list', async () => {
  const config = loadConfig({ path: cfgPath, env: {} });
  await assert.rejects(
    runOrphans(config, { configPath: cfgPath, apply: false, minAgeSeconds: 0 }),
    (e: unknown) =>
      asOmsmError(e)?.code === 'OMSM_ERR_KUBE_ACCESS' &&
      /omsm rbac -c .* --with-list/.test((e as Error).message),
  );
});

test('with list: exactly the orphan and the missing reference; --apply deletes only the orphan', async () => {
  await emu.apply(rbacObjects({ secretsNamespace: 'om', withList: true }).slice(3));
  const r = await runCli(['secrets', 'orphans', '-c', cfgPath, '--min-age', '0', '-o', 'json']);
  assert.equal(r.code, 3, r.stderr);
  const report = JSON.parse(r.stdout) as {
    orphans: { name: string }[];
    missing: { entityName: string; secretName: string }[];
  };
  assert.deepEqual(
    report.orphans.map((o) => o.name),
    ['openmetadata-database-deleted-service-password'],
  );
  assert.deepEqual(report.missing, [
    {
      entityKind: 'databaseService',
      entityName: 'svc_2',
      field: 'connection.config.authType.password',
      secretName: 'openmetadata-database-svc-2-authtype-password',
    },
  ]);

  const config = loadConfig({ path: cfgPath, env: {} });
  const young = await runOrphans(config, { configPath: cfgPath, apply: false, minAgeSeconds: 3600 });
  assert.deepEqual(young.orphans, [], 'a Secret younger than --min-age is never an orphan');

  const applied = await runOrphans(config, { configPath: cfgPath, apply: true, minAgeSeconds: 0 });
  assert.deepEqual(applied.deleted, ['openmetadata-database-deleted-service-password']);
  const after = await runOrphans(config, { configPath: cfgPath, apply: false, minAgeSeconds: 0 });
  assert.deepEqual(after.orphans, []);
  assert.equal(after.missing.length, 1);
  const kc = new KubeConfig();
  kc.loadFromFile(emu.kubeconfigPath);
  const names = (await kc.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: 'om' })).items.map(
    (s) => s.metadata!.name,
  );
  assert.ok(
    names.includes('users-own') && names.includes('staging-database-x-password'),
    'foreign Secrets untouched',
  );
});
