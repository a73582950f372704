/**
 * Issue 15, ingestion side, with real parts: kube-emulator over HTTPS, a Secret made with real
 * kubectl, the real `omsm ingestion resolve|check`. A hand-written workflow that points a password
 * at a Secret omsm does not manage, or at another service's Secret, fails closed: exit 1, the
 * reference and the reason named, no value anywhere. The field's own Secret and an
 * upstream-written one (label, no id annotation) still resolve.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from './support/cli.js';
import { canary } from './support/canary.js';
import { SECRETS_NS, seedSecret, workflowYaml } from './support/ingestion-emulator-fixture.js';
import { envFor, useResolveFixture } from './support/ingestion-resolve-fixture.js';
import { kubectl } from './support/kubernetes-fixture.js';

const ctx = useResolveFixture();
const settings = { secretsManagerProvider: 'kubernetes', secretsManagerLoader: 'env' };

/** A Secret as omsm's server writes it: labels plus the logical-id annotation. */
function omsmSecret(name: string, id: string, value: string): Record<string, unknown> {
  const s = seedSecret(name, SECRETS_NS, value) as { metadata: Record<string, unknown> };
  s.metadata.annotations = { 'secrets.openmetadata.org/id': id };
  return s;
}

const values = {
  unrelated: canary(),
  otherService: canary(),
  own: canary(),
  upstream: canary(),
};

async function seed(): Promise<void> {
  // Step 1 of the issue: another application's Secret, made by hand.
  const made = await kubectl(ctx.fx.emu.kubeconfigPath, [
    'create',
    'secret',
    'generic',
    'unrelated-app-db',
    '-n',
    SECRETS_NS,
    `--from-literal=value=${values.unrelated}`,
  ]);
  assert.equal(made.code, 0, made.stderr);
  await ctx.fx.emu.apply([
    omsmSecret(
      'openmetadata-database-a-authtype-password',
      'openmetadata/database/a/authType/password',
      values.otherService,
    ),
    omsmSecret(
      'openmetadata-database-mysql-prod-authtype-password',
      'openmetadata/database/mysql_prod/authType/password',
      values.own,
    ),
    seedSecret('openmetadata-database-mysql-prod-sslkey-upstream', SECRETS_NS, values.upstream),
  ]);
}

function noValues(text: string): void {
  for (const v of Object.values(values)) assert.ok(!text.includes(v), 'no Secret value in the output');
}

describe('ingestion resolves only what omsm manages for the field', () => {
  let seeded = false;
  const ready = async () => {
    if (!seeded) await seed();
    seeded = true;
  };
  /** `resolve --stdout` of a workflow whose password is `ref`, from an attacker's host: exit 1, nothing on stdout. */
  const refusedResolve = async (file: string, ref: string) => {
    await ready();
    const wf = ctx.fx.file(
      file,
      workflowYaml(settings, { hostPort: 'attacker:3306', authType: { password: ref } }),
    );
    const r = await runCli(['ingestion', 'resolve', '-c', wf, '--stdout'], { env: envFor(ctx.fx) });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    return r;
  };

  test('a Secret without the managed-by label: exit 1, reference and reason named, nothing written', async () => {
    const r = await refusedResolve('wf-unmanaged.yaml', 'secret:unrelated-app-db');
    assert.match(r.stderr, /secret:unrelated-app-db/);
    assert.match(r.stderr, /not managed by omsm \(no managed-by label\)/);
    noValues(r.stdout + r.stderr);
  });

  test("another service's Secret (managed, recorded id of service a) under service mysql_prod: refused", async () => {
    const r = await refusedResolve(
      'wf-other-service.yaml',
      'secret:openmetadata-database-a-authtype-password',
    );
    assert.match(
      r.stderr,
      /belongs to "openmetadata\/database\/a\/authType\/password", not to service "mysql_prod" field authType\.password/,
    );
    noValues(r.stdout + r.stderr);
  });

  test("a service's own Secret used at another of its fields: refused, and check -o json says why", async () => {
    await ready();
    // Right service, wrong field: the id's field path is compared, not only the entity.
    const wf = ctx.fx.file(
      'wf-moved.yaml',
      workflowYaml(settings, { sslKey: 'secret:openmetadata-database-mysql-prod-authtype-password' }),
    );
    const check = await runCli(['ingestion', 'check', '-c', wf, '-o', 'json'], { env: envFor(ctx.fx) });
    assert.equal(check.code, 3, check.stderr);
    const report = JSON.parse(check.stdout) as {
      references: { reference: string; found: boolean; code?: string; reason?: string }[];
    };
    assert.deepEqual(
      report.references.map((x) => [x.reference, x.found, x.code]),
      [['secret:openmetadata-database-mysql-prod-authtype-password', false, 'OMSM_ERR_SECRET_FOREIGN']],
    );
    assert.match(report.references[0]!.reason!, /not to service "mysql_prod" field sslKey/);
    noValues(check.stdout + check.stderr);
  });

  test("the field's own Secret and an upstream-written Secret (label, no id) resolve", async () => {
    await ready();
    const wf = ctx.fx.file(
      'wf-own.yaml',
      workflowYaml(settings, {
        authType: { password: 'secret:openmetadata-database-mysql-prod-authtype-password' },
        sslKey: 'secret:openmetadata-database-mysql-prod-sslkey-upstream',
      }),
    );
    const r = await runCli(['ingestion', 'resolve', '-c', wf, '--stdout'], {
      env: envFor(ctx.fx),
      stdoutHasSecrets: true,
    });
    assert.equal(r.code, 0, r.stderr);
    const cfg = parse(r.stdout).source.serviceConnection.config;
    assert.equal(cfg.authType.password, values.own);
    assert.equal(cfg.sslKey, values.upstream);
  });
});
