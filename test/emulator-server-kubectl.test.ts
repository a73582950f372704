/**
 * kube-emulator with the real kubectl on this machine: the dispatcher picks kubectl 1.32 (which
 * sends protobuf bodies and asks for Tables), plus kubectl 1.31 (JSON only) and 1.33. Each test
 * uses its own KUBECACHEDIR so discovery caches never leak between emulators.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type KubeEmulator, startEmulator } from '../src/emulator/index.js';
import { run } from './support/spawn.js';

const KUBECTL = '/usr/bin/kubectl';
const SDK = '/usr/lib/google-cloud-sdk/bin';
/** The RBAC manifest users apply, as docs/contract.md#rbac gives it. */
const CONTRACT = fileURLToPath(new URL('../docs/contract.md', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(
  bin: string,
  kubeconfig: string,
  cacheDir: string,
  args: string[],
  stdin?: string,
): Promise<Run> {
  return run(bin, ['--request-timeout=20s', ...args], {
    env: { KUBECONFIG: kubeconfig, KUBECACHEDIR: cacheDir, HOME: cacheDir },
    scan: 'none',
    ...(stdin === undefined ? {} : { input: stdin }),
  }).then((r) => ({ code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr }));
}

/** The documented ServiceAccount + Role + RoleBinding manifest, verbatim but for the placeholders. */
function seedManifest(omNs: string, secretsNs: string): string {
  const text = readFileSync(CONTRACT, 'utf8');
  const start = text.indexOf('apiVersion: v1\nkind: ServiceAccount');
  const end = text.indexOf('```', start);
  assert.ok(start >= 0 && end > start, 'RBAC manifest not found in docs/contract.md');
  return text
    .slice(start, end)
    .replaceAll('<om-namespace>', omNs)
    .replaceAll('<secrets-namespace>', secretsNs);
}

const available = existsSync(KUBECTL);

describe('kube-emulator with kubectl', { skip: available ? false : 'kubectl not installed' }, () => {
  let emu: KubeEmulator;
  let work: string;
  const k = (args: string[], stdin?: string, kubeconfig?: string, bin = KUBECTL): Promise<Run> =>
    kubectl(bin, kubeconfig ?? emu.kubeconfigPath, join(work, `cache-${bin.split('.').pop()}`), args, stdin);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'emu-kubectl-'));
    emu = await startEmulator({ namespaces: ['secrets', 'om'] });
  });
  after(async () => {
    await emu.close();
  });

  test('version reports v1.32', async () => {
    const r = await k(['version', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).serverVersion.minor, '32');
  });

  test('create secret generic (protobuf), get -o json, table get, -l, delete', async () => {
    const c = await k([
      'create',
      'secret',
      'generic',
      's1',
      '-n',
      'secrets',
      '--from-literal=user=admin',
      '--from-literal=pw=x',
    ]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.trim(), 'secret/s1 created');
    await k(['label', 'secret', 's1', '-n', 'secrets', 'app=x']);
    const j = await k(['get', 'secret', 's1', '-n', 'secrets', '-o', 'json']);
    assert.equal(j.code, 0, j.stderr);
    const obj = JSON.parse(j.stdout);
    assert.equal(obj.type, 'Opaque');
    assert.equal(Buffer.from(obj.data.user, 'base64').toString(), 'admin');
    assert.equal(obj.metadata.labels.app, 'x');
    const t = await k(['get', 'secrets', '-n', 'secrets']);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /^NAME\s+TYPE\s+DATA\s+AGE\n/);
    assert.match(t.stdout, /\ns1\s+Opaque\s+2\s+\d+s\n/);
    const l = await k(['get', 'secrets', '-n', 'secrets', '-l', 'app=x', '-o', 'name']);
    assert.equal(l.stdout.trim(), 'secret/s1');
    const none = await k(['get', 'secrets', '-n', 'secrets', '-l', 'app=nope']);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /No resources found in secrets namespace\./);
    const d = await k(['delete', 'secret', 's1', '-n', 'secrets']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout.trim(), 'secret "s1" deleted');
    const gone = await k(['get', 'secret', 's1', '-n', 'secrets']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Error from server \(NotFound\): secrets "s1" not found/);
  });

  test('apply -f a Secret manifest (client-side apply, strict validation): created, then configured', async () => {
    const manifest = (v: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\n  namespace: secrets\nstringData:\n  k: ${v}\n`;
    const a = await k(['apply', '-f', '-'], manifest('one'));
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout.trim(), 'secret/applied created');
    const b = await k(['apply', '-f', '-'], manifest('two'));
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout.trim(), 'secret/applied configured');
    const j = JSON.parse((await k(['get', 'secret', 'applied', '-n', 'secrets', '-o', 'json'])).stdout);
    assert.equal(Buffer.from(j.data.k, 'base64').toString(), 'two');
  });

  test("apply -f the contract's RBAC manifest verbatim; auth can-i and create token for that ServiceAccount", async () => {
    const a = await k(['apply', '-f', '-'], seedManifest('om', 'secrets'));
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(a.stdout.trim().split('\n'), [
      'serviceaccount/openmetadata-secrets-sa created',
      'role.rbac.authorization.k8s.io/openmetadata-secrets-role created',
      'rolebinding.rbac.authorization.k8s.io/openmetadata-secrets-rb created',
    ]);
    const yes = await k(['auth', 'can-i', 'create', 'secrets', '-n', 'secrets']);
    assert.equal(yes.stdout.trim(), 'yes');

    const tok = await k(['create', 'token', 'openmetadata-secrets-sa', '-n', 'om']);
    assert.equal(tok.code, 0, tok.stderr);
    const token = tok.stdout.trim();
    const saKc = join(work, 'sa.kubeconfig');
    writeFileSync(
      saKc,
      readFileSync(await emu.writeServiceAccountKubeconfig('om', 'openmetadata-secrets-sa'), 'utf8').replace(
        /token: .*/,
        `token: ${token}`,
      ),
    );
    const can = await k(['auth', 'can-i', 'get', 'secrets', '-n', 'secrets'], undefined, saKc);
    assert.equal(can.stdout.trim(), 'yes');
    const cannot = await k(['auth', 'can-i', 'list', 'secrets', '-n', 'secrets'], undefined, saKc);
    assert.equal(cannot.stdout.trim(), 'no');
    assert.equal(cannot.code, 1);
    const forbidden = await k(['get', 'secrets', '-n', 'secrets'], undefined, saKc);
    assert.equal(forbidden.code, 1);
    assert.match(
      forbidden.stderr,
      /Error from server \(Forbidden\): secrets is forbidden: User "system:serviceaccount:om:openmetadata-secrets-sa" cannot list resource "secrets" in API group "" in the namespace "secrets"/,
    );
    const who = await k(['auth', 'whoami', '-o', 'json'], undefined, saKc);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(
      JSON.parse(who.stdout).status.userInfo.username,
      'system:serviceaccount:om:openmetadata-secrets-sa',
    );
  });

  test('apply --server-side after a client-side apply (managedFields migration), patch and label', async () => {
    const m = (v: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ssa\n  namespace: secrets\nstringData:\n  k: ${v}\n`;
    assert.equal((await k(['apply', '-f', '-'], m('a'))).stdout.trim(), 'secret/ssa created');
    const ssa = await k(['apply', '--server-side', '-f', '-'], m('b'));
    assert.equal(ssa.code, 0, ssa.stderr);
    assert.equal(ssa.stdout.trim(), 'secret/ssa serverside-applied');
    const again = await k(['apply', '--server-side', '-f', '-'], m('c'));
    assert.equal(again.code, 0, again.stderr);
    const v = await k(['get', 'secret', 'ssa', '-n', 'secrets', '-o', 'jsonpath={.data.k}']);
    assert.equal(Buffer.from(v.stdout, 'base64').toString(), 'c');
    assert.equal(
      (
        await k(['patch', 'secret', 'ssa', '-n', 'secrets', '-p', '{"metadata":{"labels":{"x":"y"}}}'])
      ).stdout.trim(),
      'secret/ssa patched',
    );
    assert.equal(
      (await k(['label', 'secret', 'ssa', '-n', 'secrets', 'z=w'])).stdout.trim(),
      'secret/ssa labeled',
    );
    const shown = await k(['get', 'secret', 'ssa', '-n', 'secrets', '--show-labels', '--no-headers']);
    assert.match(shown.stdout, /x=y,z=w/);
  });

  test('typed create (protobuf) of namespace, serviceaccount, role, rolebinding; can-i --as impersonates', async () => {
    for (const args of [
      ['create', 'namespace', 'typed'],
      ['create', 'serviceaccount', 'bot', '-n', 'typed'],
      ['create', 'role', 'getter', '-n', 'typed', '--verb=get', '--resource=secrets'],
      ['create', 'rolebinding', 'getter', '-n', 'typed', '--role=getter', '--serviceaccount=typed:bot'],
    ]) {
      const r = await k(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, / created$/m);
    }
    const as = ['--as=system:serviceaccount:typed:bot'];
    assert.equal((await k(['auth', 'can-i', 'get', 'secrets', '-n', 'typed', ...as])).stdout.trim(), 'yes');
    assert.equal((await k(['auth', 'can-i', 'list', 'secrets', '-n', 'typed', ...as])).stdout.trim(), 'no');
    const rules = await k(['auth', 'can-i', '--list', '-n', 'typed', ...as]);
    assert.match(rules.stdout, /^secrets\s+\[\]\s+\[\]\s+\[get\]$/m);
    const listed = await k(['get', 'rolebinding', 'getter', '-n', 'typed', '--no-headers']);
    assert.match(listed.stdout, /^getter\s+Role\/getter\s+\d+s$/m);
    const del = await k(['delete', 'namespace', 'typed']);
    assert.equal(del.stdout.trim(), 'namespace "typed" deleted');
  });

  for (const minor of ['1.31', '1.33']) {
    test(`kubectl ${minor}: create secret generic and get`, {
      skip: !existsSync(`${SDK}/kubectl.${minor}`),
    }, async () => {
      const bin = `${SDK}/kubectl.${minor}`;
      const name = `v${minor.replace('.', '')}`;
      const c = await k(
        ['create', 'secret', 'generic', name, '-n', 'secrets', '--from-literal=a=b'],
        undefined,
        undefined,
        bin,
      );
      assert.equal(c.code, 0, c.stderr);
      const g = await k(
        ['get', 'secret', name, '-n', 'secrets', '-o', 'jsonpath={.data.a}'],
        undefined,
        undefined,
        bin,
      );
      assert.equal(Buffer.from(g.stdout, 'base64').toString(), 'b');
      const can = await k(['auth', 'can-i', 'delete', 'secrets', '-n', 'secrets'], undefined, undefined, bin);
      assert.equal(can.stdout.trim(), 'yes');
    });
  }
});
