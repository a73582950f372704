/**
 * migrate-secrets against kube-emulator with omsm's server Role (docs/contract.md#rbac) only (create/get/update/delete): a
 * database with 300 services, 20 bots and 50 pipelines holding Fernet values moves to Kubernetes
 * through the real CLI; every reference resolves to its original value; a second run changes
 * nothing. Then kubernetes -> db and namespace A -> B round-trip back to the original values.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { OmsmConfig } from '../src/core/config/config-types.js';
import { loadConfig } from '../src/core/config/load-config.js';
import { asOmsmError } from '../src/core/errors.js';
import { type KubeEmulator, startEmulator } from '../src/emulator/index.js';
import { openMigration, sourceConfig } from '../src/ops/migrate/open-migration.js';
import type { MigrationReport } from '../src/ops/migrate/migrate-types.js';
import { runMigration } from '../src/ops/migrate/run-migration.js';
import { rbacObjects } from '../src/ops/rbac/rbac-manifests.js';
import { openProvider } from '../src/providers.js';
import { FERNET_KEY, mismatches, seedDatabase, snapshot } from './support/populated-database.js';
import { freshDatabase } from './support/database-dialects.js';
import { runCli } from './support/cli.js';
import { openDatabase } from '../src/domain/db/database.js';
import { EntityStore } from '../src/domain/db/entity-store.js';

let emu: KubeEmulator;
let sa: string;
const dir = mkdtempSync(join(tmpdir(), 'omsm-migk-'));

/** A config file: `provider` in `namespace`, the given sqlite database. */
function writeConfig(name: string, provider: string, namespace: string, dbFile: string): string {
  const p = join(dir, name);
  writeFileSync(
    p,
    [
      'secretsManagerConfiguration:',
      `  secretsManager: ${provider}`,
      '  parameters:',
      `    namespace: ${namespace}`,
      `    kubeconfigPath: ${sa}`,
      'fernetConfiguration:',
      `  fernetKey: ${FERNET_KEY}`,
      'database:',
      '  scheme: sqlite',
      `  name: ${dbFile}`,
      '',
    ].join('\n'),
  );
  return p;
}

async function secretNames(namespace: string): Promise<string[]> {
  const kc = new KubeConfig();
  kc.loadFromFile(emu.kubeconfigPath);
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace });
  return list.items.map((s) => s.metadata!.name!).sort();
}

before(async () => {
  emu = await startEmulator({ namespaces: ['om', 'om-a', 'om-b'] });
  await emu.apply(rbacObjects({ secretsNamespace: 'om' }));
  await emu.apply(rbacObjects({ secretsNamespace: 'om-a', serverNamespace: 'om' }).slice(1));
  await emu.apply(rbacObjects({ secretsNamespace: 'om-b', serverNamespace: 'om' }).slice(1));
  sa = await emu.writeServiceAccountKubeconfig('om', 'openmetadata-secrets-sa');
});
after(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('db -> kubernetes through the CLI: 300 services, 20 bots, 50 pipelines; re-run is all already-there', async () => {
  const fresh = await freshDatabase('sqlite');
  try {
    const expected = await seedDatabase(fresh.config, { services: 300, bots: 20, pipelines: 50 });
    const cfg = writeConfig('k8s.yaml', 'kubernetes', 'om', fresh.config.name);

    const dry = await runCli(['migrate-secrets', '-c', cfg, '--dry-run', '--json', '--no-progress']);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout) as {
      plan: { status: string; source: { kind: string } }[];
      report: MigrationReport;
    };
    assert.equal(plan.plan.length, 370);
    assert.ok(plan.plan.every((i) => i.status === 'migrate' && i.source.kind === 'fernet'));
    assert.deepEqual(await secretNames('om'), [], 'the dry run wrote nothing');

    emu.clearAudit();
    const run = await runCli(['migrate-secrets', '-c', cfg, '--json', '--verify']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout) as MigrationReport & { verify: { checked: number; ok: number } };
    assert.deepEqual([report.verify.checked, report.verify.ok], [370, 370]);
    assert.deepEqual(
      [report.byType.service.migrated, report.byType.bot.migrated, report.byType.pipeline.migrated],
      [300, 20, 50],
    );
    assert.match(run.stderr, /migrate-secrets: 370\/370 entities \(100%\)/, 'plain progress lines off a TTY');
    const verbs = new Set(
      emu
        .audit()
        .filter((a) => a.resource === 'secrets')
        .map((a) => a.verb),
    );
    assert.ok(
      [...verbs].every((v) => ['get', 'create', 'update', 'delete'].includes(v)),
      [...verbs].join(),
    );

    const k8s = await openProvider(loadConfig({ path: cfg, env: {} }), { readOnly: true });
    const snap = await snapshot(fresh.config, k8s);
    await k8s.close();
    assert.equal(mismatches(expected, snap.values), 0, 'every reference resolves to the original value');
    assert.ok([...snap.stored.values()].every((v) => v.startsWith('secret:openmetadata-')));
    assert.equal((await secretNames('om')).length, 370);

    // The re-run, in text form: every field already there, nothing written.
    const again = await runCli(['migrate-secrets', '-c', cfg, '--no-progress']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /service\s+0\s+300\s+0\s+0\s+0/);
    assert.match(again.stdout, /bot\s+0\s+20\s+0\s+0\s+0/);
    assert.match(again.stdout, /total\s+0\s+370\s+0\s+0\s+0/);
    assert.match(again.stdout, /All done\./);
  } finally {
    await fresh.drop();
  }
});

async function migrateInProcess(
  target: OmsmConfig,
  sel: Parameters<typeof sourceConfig>[1],
  deleteSource = false,
) {
  const m = await openMigration(target, sourceConfig(target, sel, {}), { deleteSource, dryRun: false });
  try {
    return await runMigration({
      holders: m.holders,
      source: m.source,
      target: m.target,
      plan: m.plan,
      deleteSource,
      rate: 0,
    });
  } finally {
    await m.close();
  }
}

test('kubernetes A -> B and kubernetes -> db round-trip to the original values', async () => {
  const fresh = await freshDatabase('sqlite');
  try {
    const expected = await seedDatabase(fresh.config, { services: 30, bots: 5, pipelines: 5 });
    const n = expected.size;
    const cfgA = loadConfig({
      path: writeConfig('a.yaml', 'kubernetes', 'om-a', fresh.config.name),
      env: {},
    });
    const cfgB = loadConfig({
      path: writeConfig('b.yaml', 'kubernetes', 'om-b', fresh.config.name),
      env: {},
    });
    const cfgDb = loadConfig({ path: writeConfig('db.yaml', 'db', 'om', fresh.config.name), env: {} });

    const toA = await migrateInProcess(cfgA, {});
    assert.equal(
      toA.totals.migrated,
      n,
      JSON.stringify(toA.problems.slice(0, 2)) + JSON.stringify(toA.totals),
    );
    // A -> B: same names in both, so "done" is read from B; sources go only after verification.
    const ab = await migrateInProcess(cfgB, { fromNamespace: 'om-a' }, true);
    assert.equal(ab.exitCode, 0, JSON.stringify(ab.problems));
    assert.equal(ab.totals.migrated, n);
    assert.deepEqual(await secretNames('om-a'), []);
    assert.equal((await secretNames('om-b')).length, n);
    const again = await migrateInProcess(cfgB, { fromNamespace: 'om-a' });
    assert.equal(again.totals['already-there'], n);
    const b = await openProvider(cfgB, { readOnly: true });
    assert.equal(mismatches(expected, (await snapshot(fresh.config, b)).values), 0);
    await b.close();

    // B -> db: every field becomes a Fernet token again holding the original value.
    const back = await migrateInProcess(cfgDb, { fromProvider: 'kubernetes', fromNamespace: 'om-b' }, true);
    assert.equal(back.exitCode, 0, JSON.stringify(back.problems));
    assert.equal(back.totals.migrated, n);
    const db = await openProvider(cfgDb);
    const snap = await snapshot(fresh.config, db);
    assert.ok([...snap.stored.values()].every((v) => v === 'fernet'));
    assert.equal(mismatches(expected, snap.values), 0);
    assert.deepEqual(await secretNames('om-b'), []);
  } finally {
    await fresh.drop();
  }
});

test('dry-run names an unmanaged Secret under a target name as a conflict; apply leaves it and exits 3', async () => {
  const fresh = await freshDatabase('sqlite');
  try {
    await seedDatabase(fresh.config, { services: 3, bots: 0, pipelines: 0 });
    await emu.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'om-c' } },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'openmetadata-database-svc-1-authtype-password', namespace: 'om-c' },
        data: { value: 'Zm9yZWlnbg==' },
      },
    ]);
    await emu.apply(rbacObjects({ secretsNamespace: 'om-c', serverNamespace: 'om' }).slice(1));
    const cfg = loadConfig({ path: writeConfig('c.yaml', 'kubernetes', 'om-c', fresh.config.name), env: {} });
    const m = await openMigration(cfg, sourceConfig(cfg, {}, {}), { deleteSource: false, dryRun: true });
    const items: { status: string; target: string; reason?: string }[] = [];
    const dry = await runMigration({ ...m, dryRun: true, onPlanItem: (i) => items.push(i) });
    await m.close();
    assert.equal(dry.exitCode, 3);
    const conflict = items.find((i) => i.status === 'conflict');
    assert.equal(conflict?.target, 'openmetadata-database-svc-1-authtype-password');
    assert.match(conflict!.reason!, /managed-by/);

    const r = await migrateInProcess(cfg, {});
    assert.equal(r.exitCode, 3);
    assert.equal(r.totals.migrated, 2);
    assert.equal(r.totals.conflict, 1);
    assert.match(r.problems[0]!.reason!, /OMSM_ERR_SECRET_NOT_OURS/);
  } finally {
    await fresh.drop();
  }
});

test('foreign secret: references in the database are listed by --dry-run and reported by apply, never carried over', async () => {
  const fresh = await freshDatabase('sqlite');
  try {
    await seedDatabase(fresh.config, { services: 3, bots: 0, pipelines: 0 });
    // Rows written around the server's rule: another application's Secret, and svc_1's own Secret
    // in svc_2's field (the confused deputy of SECURITY.md).
    const foreign = {
      svc_0: 'secret:unrelated-app-db',
      svc_2: 'secret:openmetadata-database-svc-1-authtype-password',
    };
    const { db } = openDatabase(fresh.config);
    try {
      const store = new EntityStore(db);
      for (const [name, ref] of Object.entries(foreign)) {
        const row = (await store.findByName('databaseService', name, 'all'))!;
        const doc = structuredClone(row.doc) as {
          connection: { config: { authType: { password: string } } };
        };
        doc.connection.config.authType.password = ref;
        await store.update(row, {
          name: row.name,
          deleted: row.deleted,
          doc: doc as never,
          updatedAt: Date.now(),
        });
      }
    } finally {
      await db.destroy();
    }
    await emu.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'om-f' } }]);
    await emu.apply(rbacObjects({ secretsNamespace: 'om-f', serverNamespace: 'om' }).slice(1));
    const cfg = writeConfig('f.yaml', 'kubernetes', 'om-f', fresh.config.name);

    const dry = await runCli(['migrate-secrets', '-c', cfg, '--dry-run', '-o', 'json', '--no-progress']);
    assert.equal(dry.code, 3, dry.stderr);
    const plan = JSON.parse(dry.stdout) as {
      plan: { entityName: string; status: string; reason?: string; source: { name?: string } }[];
      report: { totals: Record<string, number> };
    };
    const listed = plan.plan.filter((i) => i.status === 'foreign').map((i) => [i.entityName, i.source.name]);
    assert.deepEqual(listed.sort(), [
      ['svc_0', 'unrelated-app-db'],
      ['svc_2', 'openmetadata-database-svc-1-authtype-password'],
    ]);
    assert.equal(plan.report.totals.foreign, 2);
    assert.match(plan.plan.find((i) => i.entityName === 'svc_0')!.reason!, /not this field's own/);

    const applied = await runCli(['migrate-secrets', '-c', cfg, '-o', 'json', '--verify', '--no-progress']);
    assert.equal(applied.code, 3, applied.stderr);
    const report = JSON.parse(applied.stdout) as {
      totals: Record<string, number>;
      problems: { entityName: string; outcome: string }[];
      verify: { problems: { problem: string }[] };
    };
    assert.equal(report.totals.migrated, 1, "svc_1's own value still moves");
    assert.equal(report.totals.foreign, 2);
    assert.deepEqual(report.problems.map((p) => [p.entityName, p.outcome]).sort(), [
      ['svc_0', 'foreign'],
      ['svc_2', 'foreign'],
    ]);
    assert.deepEqual(
      report.verify.problems.map((p) => p.problem),
      ['foreign', 'foreign'],
    );
    // Nothing was written for the foreign fields, and their rows still hold what they held.
    assert.deepEqual(await secretNames('om-f'), ['openmetadata-database-svc-1-authtype-password']);
    const { db: again } = openDatabase(fresh.config);
    try {
      const store = new EntityStore(again);
      for (const [name, ref] of Object.entries(foreign)) {
        const row = (await store.findByName('databaseService', name, 'all'))!;
        const cfgDoc = (row.doc.connection as { config: { authType: { password: string } } }).config;
        assert.equal(cfgDoc.authType.password, ref);
      }
    } finally {
      await again.destroy();
    }
  } finally {
    await fresh.drop();
  }
});

test('a target identity missing a verb stops before any write, naming the Role (exit 1)', async () => {
  const fresh = await freshDatabase('sqlite');
  try {
    await seedDatabase(fresh.config, { services: 2, bots: 0, pipelines: 0 });
    await emu.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'om-w' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'read-only', namespace: 'om-w' },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'read-only', namespace: 'om-w' },
        subjects: [{ kind: 'ServiceAccount', name: 'openmetadata-secrets-sa', namespace: 'om' }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-only' },
      },
    ]);
    const cfg = loadConfig({ path: writeConfig('w.yaml', 'kubernetes', 'om-w', fresh.config.name), env: {} });
    await assert.rejects(
      openMigration(cfg, sourceConfig(cfg, {}, {}), { deleteSource: false, dryRun: false }),
      (e: unknown) =>
        asOmsmError(e)?.code === 'OMSM_ERR_KUBE_ACCESS' &&
        /create, update, delete|create/.test((e as Error).message),
    );
    assert.deepEqual(await secretNames('om-w'), []);
  } finally {
    await fresh.drop();
  }
});

test('two kubeconfigs reaching the same server and namespace are refused as source and target', async () => {
  const cfg = loadConfig({
    path: writeConfig('same.yaml', 'kubernetes', 'om', join(dir, 'unused.db')),
    env: {},
  });
  await assert.rejects(
    openMigration(cfg, sourceConfig(cfg, { fromKubeconfig: emu.kubeconfigPath, fromNamespace: 'om' }, {}), {
      deleteSource: true,
      dryRun: false,
    }),
    (e: unknown) =>
      asOmsmError(e)?.code === 'OMSM_ERR_USAGE' && /same API server and namespace/.test((e as Error).message),
  );
});
