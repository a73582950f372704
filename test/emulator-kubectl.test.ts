/**
 * kube-emulator against the real kubectl binaries on this machine: the dispatcher `/usr/bin/kubectl`
 * (which picks kubectl 1.32 for a v1.32 server: protobuf request bodies, Table responses),
 * `kubectl.1.31` (JSON only) and `kubectl.1.33`. Each test has its own KUBECACHEDIR. Secret values
 * are compared, never printed.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type KubeEmulator, startEmulator } from '../src/emulator/index.js';
import { run } from './support/spawn.js';

const DISPATCHER = '/usr/bin/kubectl';
const SDK = '/usr/lib/google-cloud-sdk/bin';
/** The RBAC manifest users apply, as docs/contract.md#rbac gives it. */
const CONTRACT = fileURLToPath(new URL('../docs/contract.md', import.meta.url));
const OM_NS = 'om-system';
const SECRETS_NS = 'om-secrets';
const SA_NAME = 'openmetadata-secrets-sa';
const SA_USER = `system:serviceaccount:${OM_NS}:${SA_NAME}`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const tmp = mkdtempSync(join(tmpdir(), 'emu-kubectl-'));

function kubectl(args: string[], opts: { bin?: string; kubeconfig: string; stdin?: string }): Promise<Run> {
  const cache = mkdtempSync(join(tmp, 'cache-'));
  return run(opts.bin ?? DISPATCHER, ['--request-timeout=10s', ...args], {
    env: { KUBECONFIG: opts.kubeconfig, KUBECACHEDIR: cache, HOME: cache },
    timeoutMs: 30_000,
    scan: 'none',
    ...(opts.stdin === undefined ? {} : { input: opts.stdin }),
  }).then((r) => ({ code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr }));
}

/** The documented ServiceAccount + Role + RoleBinding manifest, verbatim but for the placeholders. */
function seedManifest(): string {
  const text = readFileSync(CONTRACT, 'utf8');
  const start = text.indexOf('apiVersion: v1\nkind: ServiceAccount');
  const end = text.indexOf('```', start);
  assert.ok(start >= 0 && end > start, 'RBAC manifest not found in docs/contract.md');
  return text
    .slice(start, end)
    .replaceAll('<om-namespace>', OM_NS)
    .replaceAll('<secrets-namespace>', SECRETS_NS);
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('kube-emulator with kubectl', { skip: !existsSync(DISPATCHER) && 'kubectl not installed' }, () => {
  let emu: KubeEmulator;
  let admin: string;
  const k = (args: string[], stdin?: string) => kubectl(args, { kubeconfig: admin, stdin });

  before(async () => {
    emu = await startEmulator({ namespaces: [OM_NS, SECRETS_NS] });
    admin = emu.kubeconfigPath;
  });
  after(async () => {
    await emu?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('create secret generic (protobuf body) then get -o json shows the object kube-apiserver would store', async () => {
    const c = await k([
      'create',
      'secret',
      'generic',
      'db-pass',
      '-n',
      SECRETS_NS,
      '--from-literal=password=s3cr3t',
    ]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.trim(), 'secret/db-pass created');
    const g = await k(['get', 'secret', 'db-pass', '-n', SECRETS_NS, '-o', 'json', '--show-managed-fields']);
    assert.equal(g.code, 0, g.stderr);
    const s = JSON.parse(g.stdout);
    assert.equal(s.kind, 'Secret');
    assert.equal(s.type, 'Opaque');
    assert.ok(s.data.password === b64('s3cr3t'), 'data round-trips as base64');
    assert.match(s.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(s.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(
      s.metadata.managedFields.map((m: { manager: string; operation: string; fieldsV1: unknown }) => [
        m.manager,
        m.operation,
        m.fieldsV1,
      ]),
      [['kubectl-create', 'Update', { 'f:data': { '.': {}, 'f:password': {} }, 'f:type': {} }]],
    );
  });

  test('plain get secrets prints the Table columns NAME TYPE DATA AGE', async () => {
    await k([
      'create',
      'secret',
      'generic',
      'tbl',
      '-n',
      SECRETS_NS,
      '--from-literal=a=1',
      '--from-literal=b=2',
    ]);
    const r = await k(['get', 'secrets', '-n', SECRETS_NS]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+TYPE\s+DATA\s+AGE$/);
    assert.ok(
      lines.some((l) => /^tbl\s+Opaque\s+2\s+\d+s$/.test(l)),
      r.stdout,
    );
  });

  test('get secrets -l filters by label; no match prints the kubectl notice and exits 0', async () => {
    await k(['create', 'secret', 'generic', 'lab1', '-n', SECRETS_NS, '--from-literal=a=1']);
    const l = await k(['label', 'secret', 'lab1', '-n', SECRETS_NS, 'app=openmetadata']);
    assert.equal(l.code, 0, l.stderr);
    const hit = await k([
      'get',
      'secrets',
      '-n',
      SECRETS_NS,
      '-l',
      'app in (openmetadata,other)',
      '-o',
      'name',
    ]);
    assert.equal(hit.code, 0, hit.stderr);
    assert.equal(hit.stdout.trim(), 'secret/lab1');
    const miss = await k(['get', 'secrets', '-n', SECRETS_NS, '-l', 'app=nothing']);
    assert.equal(miss.code, 0);
    assert.equal(miss.stderr.trim(), `No resources found in ${SECRETS_NS} namespace.`);
    const bad = await k(['get', 'secrets', '-n', SECRETS_NS, '-l', 'app in x']);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /Error from server \(BadRequest\): .*unable to parse requirement: found 'x' expected: '\('/,
    );
  });

  test('apply -f a Secret manifest: created, then configured with the new value', async () => {
    const manifest = (v: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\n  namespace: ${SECRETS_NS}\n  labels:\n    app: web\ntype: Opaque\ndata:\n  k: ${b64(v)}\n`;
    const first = await k(['apply', '-f', '-'], manifest('one'));
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), 'secret/applied created');
    const second = await k(['apply', '-f', '-'], manifest('two'));
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), 'secret/applied configured');
    const same = await k(['apply', '-f', '-'], manifest('two'));
    assert.equal(same.stdout.trim(), 'secret/applied unchanged');
    const g = await k(['get', 'secret', 'applied', '-n', SECRETS_NS, '-o', 'jsonpath={.data.k}']);
    assert.ok(g.stdout === b64('two'), 'value updated by apply');
  });

  test('apply --server-side: conflict with kubectl-create unless --force-conflicts', async () => {
    await k(['create', 'secret', 'generic', 'ssa', '-n', SECRETS_NS, '--from-literal=k=v']);
    const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ssa\n  namespace: ${SECRETS_NS}\ndata:\n  k: ${b64('w')}\n`;
    const c = await k(['apply', '--server-side', '-f', '-'], manifest);
    assert.equal(c.code, 1);
    assert.match(
      c.stderr,
      /Apply failed with 1 conflict: conflict with "kubectl-create" using v1: \.data\.k/,
    );
    const f = await k(['apply', '--server-side', '--force-conflicts', '-f', '-'], manifest);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout.trim(), 'secret/ssa serverside-applied');
  });

  test('delete secret, then NotFound for a missing one', async () => {
    await k(['create', 'secret', 'generic', 'gone', '-n', SECRETS_NS, '--from-literal=a=1']);
    const d = await k(['delete', 'secret', 'gone', '-n', SECRETS_NS]);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout.trim(), 'secret "gone" deleted');
    const again = await k(['delete', 'secret', 'gone', '-n', SECRETS_NS]);
    assert.equal(again.code, 1);
    assert.equal(again.stderr.trim(), 'Error from server (NotFound): secrets "gone" not found');
  });

  test('bad requests: invalid name and oversize data (422), AlreadyExists (409), NotFound (404), failed JSON patch (422)', async () => {
    const bad = await k(['create', 'secret', 'generic', 'Bad_Name', '-n', SECRETS_NS, '--from-literal=a=1']);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /Secret "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/,
    );
    await k(['create', 'secret', 'generic', 'dup', '-n', SECRETS_NS, '--from-literal=a=1']);
    const dup = await k(['create', 'secret', 'generic', 'dup', '-n', SECRETS_NS, '--from-literal=a=1']);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /secrets "dup" already exists/);
    const nf = await k(['get', 'secret', 'nope', '-n', SECRETS_NS]);
    assert.equal(nf.code, 1);
    assert.equal(nf.stderr.trim(), 'Error from server (NotFound): secrets "nope" not found');
    const jp = await k([
      'patch',
      'secret',
      'dup',
      '-n',
      SECRETS_NS,
      '--type',
      'json',
      '-p',
      '[{"op":"test","path":"/data/a","value":"eA=="}]',
    ]);
    assert.equal(jp.code, 1);
    assert.match(jp.stderr, /The request is invalid: .*testing value \/data\/a failed: test failed/);
    const bigFile = join(tmp, 'big.bin');
    writeFileSync(bigFile, Buffer.alloc(1_100_000));
    const big = await k([
      'create',
      'secret',
      'generic',
      'big',
      '-n',
      SECRETS_NS,
      `--from-file=big=${bigFile}`,
    ]);
    assert.equal(big.code, 1);
    assert.equal(
      big.stderr.trim(),
      'error: failed to create secret Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes',
    );
  });

  test('auth can-i as admin: yes with exit 0', async () => {
    const r = await k(['auth', 'can-i', 'create', 'secrets', '-n', SECRETS_NS]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'yes');
  });

  test('create token prints a bearer token the emulator accepts', async () => {
    const sa = await k(['create', 'serviceaccount', 'tok-sa', '-n', OM_NS]);
    assert.equal(sa.code, 0, sa.stderr);
    const r = await k(['create', 'token', 'tok-sa', '-n', OM_NS, '--duration=10m']);
    assert.equal(r.code, 0, r.stderr);
    const token = r.stdout.trim();
    assert.ok(token.length > 20 && !token.includes(' '), 'token looks like a bearer token');
    const who = await kubectl(
      ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}', `--token=${token}`],
      {
        kubeconfig: admin,
      },
    );
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout.trim(), `system:serviceaccount:${OM_NS}:tok-sa`);
  });

  test("apply -f the server's ServiceAccount (docs/contract.md#rbac) + Role + RoleBinding; the SA gets exactly create/get/update/delete", async () => {
    const r = await k(['apply', '-f', '-'], seedManifest());
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      `serviceaccount/${SA_NAME} created`,
      'role.rbac.authorization.k8s.io/openmetadata-secrets-role created',
      'rolebinding.rbac.authorization.k8s.io/openmetadata-secrets-rb created',
    ]);
    const again = await k(['apply', '-f', '-'], seedManifest());
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /rolebinding\.rbac\.authorization\.k8s\.io\/openmetadata-secrets-rb unchanged/,
    );

    const saConfig = await emu.writeServiceAccountKubeconfig(OM_NS, SA_NAME);
    const sa = (args: string[], stdin?: string) => kubectl(args, { kubeconfig: saConfig, stdin });

    const created = await sa([
      'create',
      'secret',
      'generic',
      'by-sa',
      '-n',
      SECRETS_NS,
      '--from-literal=a=1',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const got = await sa(['get', 'secret', 'by-sa', '-n', SECRETS_NS, '-o', 'json']);
    assert.equal(got.code, 0, got.stderr);
    const obj = JSON.parse(got.stdout);
    obj.data.a = b64('2');
    const replaced = await sa(['replace', '-f', '-'], JSON.stringify(obj));
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(replaced.stdout.trim(), 'secret/by-sa replaced');

    const list = await sa(['get', 'secrets', '-n', SECRETS_NS]);
    assert.equal(list.code, 1);
    assert.equal(
      list.stderr.trim(),
      `Error from server (Forbidden): secrets is forbidden: User "${SA_USER}" cannot list resource "secrets" in API group "" in the namespace "${SECRETS_NS}"`,
    );
    const patch = await sa(['label', 'secret', 'by-sa', '-n', SECRETS_NS, 'x=y']);
    assert.equal(patch.code, 1);
    assert.match(patch.stderr, /cannot patch resource "secrets" in API group "" in the namespace/);
    const otherNs = await sa(['get', 'secret', 'db-pass', '-n', 'default']);
    assert.equal(otherNs.code, 1);
    assert.match(otherNs.stderr, /cannot get resource "secrets" in API group "" in the namespace "default"/);

    const canList = await sa(['auth', 'can-i', 'list', 'secrets', '-n', SECRETS_NS]);
    assert.equal(canList.code, 1);
    assert.equal(canList.stdout.trim(), 'no');
    const canUpdate = await sa(['auth', 'can-i', 'update', 'secrets', '-n', SECRETS_NS]);
    assert.equal(canUpdate.code, 0);
    assert.equal(canUpdate.stdout.trim(), 'yes');

    const deleted = await sa(['delete', 'secret', 'by-sa', '-n', SECRETS_NS]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout.trim(), 'secret "by-sa" deleted');
  });

  for (const minor of ['1.31', '1.33']) {
    const bin = join(SDK, `kubectl.${minor}`);
    test(`kubectl ${minor}: create, table get, can-i, delete`, {
      skip: !existsSync(bin) && `${bin} missing`,
    }, async () => {
      const name = `v${minor.replace('.', '-')}`;
      const run = (args: string[]) => kubectl(args, { bin, kubeconfig: admin });
      const c = await run(['create', 'secret', 'generic', name, '-n', SECRETS_NS, '--from-literal=k=v']);
      assert.equal(c.code, 0, c.stderr);
      assert.equal(c.stdout.trim(), `secret/${name} created`);
      const g = await run(['get', 'secret', name, '-n', SECRETS_NS]);
      assert.equal(g.code, 0, g.stderr);
      assert.match(g.stdout, new RegExp(`^NAME\\s+TYPE\\s+DATA\\s+AGE\\n${name}\\s+Opaque\\s+1\\s+`));
      const can = await run(['auth', 'can-i', 'delete', 'secrets', '-n', SECRETS_NS]);
      assert.equal(can.stdout.trim(), 'yes');
      const d = await run(['delete', 'secret', name, '-n', SECRETS_NS]);
      assert.equal(d.code, 0, d.stderr);
    });
  }

  test('create --dry-run=server stores nothing', async () => {
    const r = await k([
      'create',
      'secret',
      'generic',
      'dry',
      '-n',
      SECRETS_NS,
      '--from-literal=a=1',
      '--dry-run=server',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'secret/dry created (server dry run)');
    const g = await k(['get', 'secret', 'dry', '-n', SECRETS_NS]);
    assert.equal(g.code, 1);
  });
});
