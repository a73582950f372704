/**
 * Shared by the crash-safety tests (ops-migrate-kill, ops-migrate-faults): an emulator with the
 * documented server Role, an uninterrupted reference run, the real CLI run (and SIGKILLed) as a child process,
 * and the end state to compare: references in the database, Secrets with their labels and ids.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { loadConfig } from '../../src/core/config/load-config.js';
import { type KubeEmulator, startEmulator } from '../../src/emulator/index.js';
import { openMigration, sourceConfig } from '../../src/ops/migrate/open-migration.js';
import { runMigration } from '../../src/ops/migrate/run-migration.js';
import { rbacObjects } from '../../src/ops/rbac/rbac-manifests.js';
import { openProvider } from '../../src/providers.js';
import { FERNET_KEY, mismatches, type SeedSizes, seedDatabase, snapshot } from './populated-database.js';
import { type FreshDatabase, freshDatabase } from './database-dialects.js';
import { OMSM_BIN } from './cli.js';
import { scanOutput } from './leak-guard.js';

export const SIZES: SeedSizes = { services: 60, bots: 10, pipelines: 20 };
export let emu: KubeEmulator;
let sa: string;
const dir = mkdtempSync(join(tmpdir(), 'omsm-kill-'));
export const dbs: FreshDatabase[] = [];

export function writeConfig(namespace: string, dbFile: string): string {
  const p = join(dir, `${namespace}.yaml`);
  writeFileSync(
    p,
    `secretsManagerConfiguration:\n  secretsManager: kubernetes\n  parameters:\n    namespace: ${namespace}\n    kubeconfigPath: ${sa}\n    requestDeadlineMs: 60000\nfernetConfiguration:\n  fernetKey: ${FERNET_KEY}\ndatabase:\n  scheme: sqlite\n  name: ${dbFile}\n`,
  );
  return p;
}

/**
 * Runs the CLI; with `killAfterMs`, SIGKILLs it that long after its first progress line.
 * The rate limit (20 writes/s for ~90 secrets: a full run takes about 4.5 s) keeps every run long
 * enough that a kill within the first 1.2 s lands mid-way on any machine, however fast.
 */
export function runMigrate(
  cfg: string,
  killAfterMs?: number,
): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [OMSM_BIN, 'migrate-secrets', '-c', cfg, '--rate', '20', '--concurrency', '4'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (killAfterMs !== undefined && !armed && err.includes('migrate-secrets:')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      scanOutput('migrate-secrets stdout', out);
      scanOutput('migrate-secrets stderr', err);
      resolve({ code, signal });
    });
  });
}

interface State {
  stored: Map<string, string>;
  secrets: Map<string, string>;
}

export async function state(
  db: FreshDatabase,
  cfg: string,
  namespace: string,
  expected: Map<string, string>,
): Promise<State> {
  const k8s = await openProvider(loadConfig({ path: cfg, env: {} }), { readOnly: true });
  const snap = await snapshot(db.config, k8s);
  await k8s.close();
  assert.equal(mismatches(expected, snap.values), 0, 'every reference resolves to its original value');
  const kc = new KubeConfig();
  kc.loadFromFile(emu.kubeconfigPath);
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace });
  const secrets = new Map(
    list.items.map((s) => [
      s.metadata!.name!,
      JSON.stringify({
        labels: s.metadata!.labels,
        annotations: s.metadata!.annotations,
        keys: Object.keys(s.data ?? {}),
      }),
    ]),
  );
  return { stored: snap.stored, secrets };
}

let reference: State;

/** Registers before/after hooks: emulator, RBAC for `namespaces`, and the reference run in `ref`. */
export function setUpCrashTests(namespaces: string[]): void {
  before(async () => {
    emu = await startEmulator({ namespaces: ['om', 'ref', ...namespaces] });
    await emu.apply(rbacObjects({ secretsNamespace: 'om' }));
    for (const ns of ['ref', ...namespaces])
      await emu.apply(rbacObjects({ secretsNamespace: ns, serverNamespace: 'om' }).slice(1));
    sa = await emu.writeServiceAccountKubeconfig('om', 'openmetadata-secrets-sa');
    // The uninterrupted run everything is compared with (in-process: the same engine as the CLI).
    const db = await freshDatabase('sqlite');
    dbs.push(db);
    const expected = await seedDatabase(db.config, SIZES);
    const cfg = writeConfig('ref', db.config.name);
    const conf = loadConfig({ path: cfg, env: {} });
    const m = await openMigration(conf, sourceConfig(conf, {}, {}), { deleteSource: false, dryRun: false });
    const r = await runMigration({ ...m, rate: 0 });
    await m.close();
    assert.equal(r.exitCode, 0);
    reference = await state(db, cfg, 'ref', expected);
  });
  after(async () => {
    await emu?.close();
    for (const d of dbs) await d.drop();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** A fresh SQLite database seeded with SIZES and a config migrating it into `namespace`. */
export async function seededCrashDatabase(
  namespace: string,
): Promise<{ db: FreshDatabase; cfg: string; expected: Map<string, string> }> {
  const db = await freshDatabase('sqlite');
  dbs.push(db);
  const expected = await seedDatabase(db.config, SIZES);
  return { db, cfg: writeConfig(namespace, db.config.name), expected };
}

export function assertSameAsReference(s: State): void {
  assert.deepEqual(
    s.stored,
    reference.stored,
    'the database holds exactly the references of an uninterrupted run',
  );
  assert.deepEqual(s.secrets, reference.secrets, 'the same Secrets, labels and ids; none doubled or missing');
}
