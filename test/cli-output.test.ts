/**
 * One convention for machine-readable output: every reporting command takes `-o json` (and refuses
 * a format it does not print), and its JSON has exactly the keys docs/cli-output.md documents. The
 * tables in that file are the contract; this test reads them, runs each command through the real
 * CLI against kube-emulator and a seeded SQLite, parses stdout and walks it against its table.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { loadConfig } from '../src/core/config/load-config.js';
import { secretId } from '../src/core/naming/secret-name.js';
import { type KubeEmulator, startEmulator } from '../src/emulator/index.js';
import { workflowYaml } from './support/ingestion-emulator-fixture.js';
import { rbacObjects } from '../src/ops/rbac/rbac-manifests.js';
import { openProvider } from '../src/providers.js';
import { FERNET_KEY, NAMING, seedDatabase } from './support/populated-database.js';
import { type FreshDatabase, freshDatabase } from './support/database-dialects.js';
import { canary } from './support/canary.js';
import { runCli } from './support/cli.js';

// --- the documented shapes -------------------------------------------------------------------

interface Shape {
  optional: boolean;
  array: boolean;
  children: Map<string, Shape>;
}
const node = (): Shape => ({ optional: false, array: false, children: new Map() });

/** Every `<!-- json-shape: NAME -->` table of docs/cli-output.md, as a tree of key paths. */
function documentedShapes(): Map<string, Shape> {
  const text = readFileSync(new URL('../docs/cli-output.md', import.meta.url), 'utf8');
  const shapes = new Map<string, Shape>();
  for (const m of text.matchAll(/<!-- json-shape: (.+?) -->\n((?:\|.*\n)+)/g)) {
    const root = node();
    for (const row of m[2]!.split('\n').slice(2)) {
      const cells = row.split('|').map((c) => c.trim());
      const path = cells[1]?.match(/^`(.+)`$/)?.[1];
      if (!path) continue;
      let at = root;
      const segments = path.split('.');
      segments.forEach((seg, i) => {
        const array = seg.endsWith('[]');
        const key = array ? seg.slice(0, -2) : seg;
        let next = at.children.get(key);
        if (!next) {
          next = node();
          at.children.set(key, next);
        }
        if (array) next.array = true;
        // "optional" is about the row's own key; an optional object has a row of its own.
        if (i === segments.length - 1) next.optional = /optional/.test(cells[2] ?? '');
        at = next;
      });
    }
    shapes.set(m[1]!, root);
  }
  return shapes;
}

/** Problems of `value` against `shape`: missing keys, undocumented keys, wrong containers. */
function conformance(value: unknown, shape: Shape, where = '$'): string[] {
  if (shape.array) {
    if (!Array.isArray(value)) return [`${where} should be an array`];
    const element: Shape = { ...shape, array: false };
    return value.flatMap((v, i) => conformance(v, element, `${where}[${i}]`));
  }
  if (shape.children.size === 0) return [];
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return [`${where} should be an object`];
  const obj = value as Record<string, unknown>;
  const problems: string[] = [];
  const any = shape.children.get('*');
  for (const [key, child] of shape.children) {
    if (key === '*') continue;
    if (!(key in obj)) {
      if (!child.optional) problems.push(`${where}.${key} is documented but missing`);
      continue;
    }
    problems.push(...conformance(obj[key], child, `${where}.${key}`));
  }
  for (const key of Object.keys(obj)) {
    if (shape.children.has(key)) continue;
    if (any) problems.push(...conformance(obj[key], any, `${where}.${key}`));
    else problems.push(`${where}.${key} is not documented in docs/cli-output.md`);
  }
  return problems;
}

const shapes = documentedShapes();

function assertDocumented(name: string, json: unknown): void {
  const shape = shapes.get(name);
  assert.ok(shape, `docs/cli-output.md has no json-shape table "${name}"`);
  assert.deepEqual(conformance(json, shape), [], `${name}: output and docs/cli-output.md disagree`);
}

test('the shape checker itself: a missing key, an undocumented key and an optional key', () => {
  const s = node();
  s.children.set('a', node());
  const b = node();
  b.optional = true;
  s.children.set('b', b);
  assert.deepEqual(conformance({ a: 1 }, s), []);
  assert.deepEqual(conformance({ a: 1, b: 2 }, s), []);
  assert.deepEqual(conformance({ b: 2 }, s), ['$.a is documented but missing']);
  assert.deepEqual(conformance({ a: 1, c: 3 }, s), ['$.c is not documented in docs/cli-output.md']);
  assert.ok(shapes.size >= 7, [...shapes.keys()].join());
});

// --- a world to report on ---------------------------------------------------------------------

let emu: KubeEmulator;
let db: FreshDatabase;
let cfg: string;
let sa: string;
const dir = mkdtempSync(join(tmpdir(), 'omsm-cli-output-'));

before(async () => {
  emu = await startEmulator({ namespaces: ['om'] });
  await emu.apply(rbacObjects({ secretsNamespace: 'om', withList: true }));
  sa = await emu.writeServiceAccountKubeconfig('om', 'openmetadata-secrets-sa');
  db = await freshDatabase('sqlite');
  await seedDatabase(db.config, { services: 3, bots: 1, pipelines: 0 });
  cfg = join(dir, 'om.yaml');
  writeFileSync(
    cfg,
    `secretsManagerConfiguration:\n  secretsManager: kubernetes\n  parameters:\n    namespace: om\n    kubeconfigPath: ${sa}\nfernetConfiguration:\n  fernetKey: ${FERNET_KEY}\ndatabase:\n  scheme: sqlite\n  name: ${db.config.name}\n`,
  );
  // A Secret someone else made under one target name: a conflict in the plan and in the report.
  await emu.apply([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'openmetadata-database-svc-0-authtype-password', namespace: 'om' },
      data: { value: 'eA==' },
    },
  ]);
});
after(async () => {
  await emu?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function json(args: string[], codes: readonly number[], env: Record<string, string> = {}) {
  const r = await runCli(args, { env });
  assert.ok(codes.includes(r.code ?? -1), `${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('every reporting command prints its documented JSON with -o json', { concurrency: false }, () => {
  test('migrate-secrets --dry-run -o json, then -o json --verify (and --json, the alias)', async () => {
    const plan = await json(['migrate-secrets', '-c', cfg, '--dry-run', '-o', 'json', '--no-progress'], [3]);
    assertDocumented('migrate-secrets --dry-run', plan);
    const statuses = (plan.plan as { status: string }[]).map((p) => p.status).sort();
    assert.deepEqual(statuses, ['conflict', 'migrate', 'migrate', 'migrate']);
    const alias = await json(['migrate-secrets', '-c', cfg, '--dry-run', '--json', '--no-progress'], [3]);
    assert.deepEqual(Object.keys(alias), ['plan', 'report']);

    const report = await json(['migrate-secrets', '-c', cfg, '-o', 'json', '--verify', '--no-progress'], [3]);
    assertDocumented('migrate-secrets', report);
    assert.equal((report.totals as Record<string, number>).migrated, 3);
    assert.equal((report.problems as { outcome: string }[])[0]?.outcome, 'conflict');
    assert.ok((report.verify as { problems: unknown[] }).problems.length > 0, 'the conflict is not migrated');
  });

  test('secrets orphans -o json, with an orphan, a missing Secret and --apply', async () => {
    const config = loadConfig({ path: cfg, env: {} });
    const provider = await openProvider(config);
    await provider.store(secretId(NAMING, ['database', 'deleted_service', 'password']), canary());
    await provider.close();
    const kc = new KubeConfig();
    kc.loadFromFile(emu.kubeconfigPath);
    await kc
      .makeApiClient(CoreV1Api)
      .deleteNamespacedSecret({ name: 'openmetadata-database-svc-1-authtype-password', namespace: 'om' });

    const report = await json(['secrets', 'orphans', '-c', cfg, '--min-age', '0', '-o', 'json'], [3]);
    assertDocumented('secrets orphans', report);
    assert.equal((report.orphans as unknown[]).length, 1);
    assert.equal((report.missing as unknown[]).length, 1);
    const applied = await json(
      ['secrets', 'orphans', '-c', cfg, '--min-age', '0', '--apply', '-o', 'json'],
      [3],
    );
    assertDocumented('secrets orphans', applied);
    assert.deepEqual(applied.deleted, ['openmetadata-database-deleted-service-password']);
  });

  test('ingestion check -o json: one reference found, one not', async () => {
    const wf = join(dir, 'workflow.yaml');
    // svc_2's own Secret (found) and svc_1's, deleted by the orphans test (not found).
    writeFileSync(
      wf,
      workflowYaml(
        { secretsManagerProvider: 'kubernetes', secretsManagerLoader: 'env', secretsManagerNamespace: 'om' },
        {
          type: 'Mysql',
          hostPort: 'mysql:3306',
          authType: { password: 'secret:openmetadata-database-svc-2-authtype-password' },
          sslKey: 'secret:openmetadata-database-svc-1-authtype-password',
        },
      ).replace('serviceName: mysql_prod', 'serviceName: svc_2'),
    );
    const report = await json(['ingestion', 'check', '-c', wf, '-o', 'json'], [3], {
      KUBERNETES_KUBECONFIG_PATH: sa,
      KUBERNETES_NAMESPACE: 'om',
    });
    assertDocumented('ingestion check', report);
    assert.deepEqual([report.found, report.failed], [1, 1]);
  });

  test('doctor -o json', async () => {
    const report = await json(['doctor', '-c', cfg, '--with-list', '-o', 'json'], [0]);
    assertDocumented('doctor', report);
    assert.ok((report.checks as { id: string }[]).some((c) => c.id === 'verb:list'));
  });

  test('config check -o json, with the effective log level', async () => {
    const config = await json(['config', 'check', '-c', cfg, '-o', 'json'], [0]);
    assertDocumented('config check', config);
    assert.equal((config.fernetConfiguration as { fernetKey: string }).fernetKey, '*********');
    // The shipped file reads upstream's LOG_LEVEL; OMSM_LOG_LEVEL wins when set.
    const shipped = await json(['config', 'check', '-o', 'json'], [0], { LOG_LEVEL: 'DEBUG' });
    assert.deepEqual(shipped.logging, { level: 'debug' });
    const both = await json(['config', 'check', '-o', 'json'], [0], {
      LOG_LEVEL: 'DEBUG',
      OMSM_LOG_LEVEL: 'warn',
    });
    assert.deepEqual(both.logging, { level: 'warn' });
    const yaml = await runCli(['config', 'check'], { env: { LOG_LEVEL: 'error', OMSM_LOG_LEVEL: '' } });
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.match(yaml.stdout, /^logging:\n {2}level: error$/m);
  });

  test('rbac -o json is a v1 List of the same objects as the YAML', async () => {
    const list = await json(['rbac', '--secrets-namespace', 'om', '--with-list', '-o', 'json'], [0]);
    assertDocumented('rbac', list);
    assert.deepEqual(list.items, rbacObjects({ secretsNamespace: 'om', withList: true }));
  });
});

test('-o means the output format everywhere: a format a command does not print is exit 2', async () => {
  const cases: string[][] = [
    ['config', 'check', '-o', 'text'],
    ['doctor', '-c', 'conf/openmetadata.yaml', '-o', 'yaml'],
    ['secrets', 'orphans', '-o', 'xml'],
    ['ingestion', 'check', '-c', 'nope.yaml', '-o', 'xml'],
    ['migrate-secrets', '-o', 'xml'],
    ['migrate-secrets', '--json', '-o', 'yaml'],
    ['rbac', '-o', 'text'],
  ];
  for (const args of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error OMSM_ERR_USAGE: (-o\/--output must be|--json and -o)/, args.join(' '));
    assert.equal(r.stdout, '');
  }
});
