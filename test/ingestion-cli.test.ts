/**
 * `omsm ingestion resolve|check` as a user runs them, against kube-emulator over HTTPS with a
 * ServiceAccount bound to the ingestion get-only Role (docs/contract.md#rbac): files written 0600 with comments kept, stdout
 * only when asked, per-reference reports with exit 3, and fail-closed exits that write nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { SECRETS_NS, workflowYaml } from './support/ingestion-emulator-fixture.js';
import { envFor, source, useResolveFixture, values } from './support/ingestion-resolve-fixture.js';
import { runCli } from './support/cli.js';

const ctx = useResolveFixture();

describe('omsm ingestion resolve / check', () => {
  const settings = { secretsManagerProvider: 'kubernetes', secretsManagerLoader: 'env' };

  test('resolve --output-file writes a 0600 file with the values, comments and other fields kept', async () => {
    const wf = ctx.fx.file('wf-resolve.yaml', workflowYaml(settings, source));
    const out = join(ctx.fx.dir, 'resolved.yaml');
    const r = await runCli(['ingestion', 'resolve', '-c', wf, '--output-file', out], { env: envFor(ctx.fx) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^# ingestion workflow \(test\)/);
    const cfg = parse(text).source.serviceConnection.config;
    assert.equal(cfg.authType.password, values['openmetadata-database-mysql-prod-password']);
    assert.equal(cfg.sslConfig.keys[0], values['openmetadata-database-mysql-prod-sslkey']);
    assert.equal(cfg.hostPort, 'mysql:3306');
    assert.doesNotMatch(text, /secret:/);
  });

  test('resolve --stdout prints the resolved config only when asked; without --output-file/--stdout it is a usage error', async () => {
    const wf = ctx.fx.file('wf-stdout.yaml', workflowYaml(settings, source));
    const r = await runCli(['ingestion', 'resolve', '-c', wf, '--stdout'], {
      env: envFor(ctx.fx),
      stdoutHasSecrets: true,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      parse(r.stdout).source.serviceConnection.config.authType.password,
      values['openmetadata-database-mysql-prod-password'],
    );
    const u = await runCli(['ingestion', 'resolve', '-c', wf], { env: envFor(ctx.fx) });
    assert.equal(u.code, 2);
    assert.equal(u.stdout, '');
    const same = await runCli(['ingestion', 'resolve', '-c', wf, '--output-file', wf], {
      env: envFor(ctx.fx),
    });
    assert.equal(same.code, 2);
    assert.match(same.stderr, /is the input file/);
    // The old `-o FILE`: -o is the output format everywhere now, so it is refused, not guessed at.
    const old = join(ctx.fx.dir, 'old-spelling.yaml');
    const o = await runCli(['ingestion', 'resolve', '-c', wf, '-o', old], { env: envFor(ctx.fx) });
    assert.equal(o.code, 2);
    assert.match(o.stderr, /OMSM_ERR_USAGE: -o\/--output is the output format .* --output-file /);
    assert.equal(existsSync(old), false, 'nothing written');
    assert.match(
      readFileSync(wf, 'utf8'),
      /secret:openmetadata-database-mysql-prod-password/,
      'input untouched',
    );
  });

  test('the airflow loader: airflow.cfg names the kubeconfig and namespace', async () => {
    const home = join(ctx.fx.dir, 'airflow-home');
    mkdirSync(home, { recursive: true });
    writeFileSync(
      join(home, 'airflow.cfg'),
      `[core]\nexecutor = LocalExecutor\n\n[openmetadata_secrets_manager]\nkubernetes_namespace = ${SECRETS_NS}\nkubernetes_kubeconfig_path = ${ctx.fx.ingestKubeconfig}\nkubernetes_in_cluster = false\n`,
    );
    const wf = ctx.fx.file(
      'wf-airflow.yaml',
      workflowYaml({ ...settings, secretsManagerLoader: 'airflow' }, source),
    );
    const r = await runCli(['ingestion', 'check', '-c', wf], { env: { AIRFLOW_HOME: home } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /loader airflow/);
    assert.match(
      r.stdout,
      /namespace secrets \(.*airflow\.cfg \[openmetadata_secrets_manager\] kubernetes_namespace\)/,
    );
    assert.match(r.stdout, /2 reference\(s\): 2 found, 0 failed/);
  });

  test('check reports each reference (found or why), exit 3 on failures, never a value', async () => {
    const wf = ctx.fx.file(
      'wf-check.yaml',
      workflowYaml(settings, { ...source, extra: 'secret:does-not-exist', other: 'secret:no-value-key' }),
    );
    const r = await runCli(['ingestion', 'check', '-c', wf], { env: envFor(ctx.fx) });
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stdout,
      /found\s+secret:openmetadata-database-mysql-prod-password\s+at source\.serviceConnection\.config\.authType\.password/,
    );
    assert.match(
      r.stdout,
      /FAILED\s+secret:does-not-exist\s+at source\.serviceConnection\.config\.extra\n\s+no Secret "does-not-exist" in namespace "secrets"/,
    );
    assert.match(r.stdout, /4 reference\(s\): 2 found, 2 failed/);
    const j = await runCli(['ingestion', 'check', '-c', wf, '--output', 'json'], { env: envFor(ctx.fx) });
    assert.equal(j.code, 3);
    const report = JSON.parse(j.stdout);
    assert.equal(report.namespace, SECRETS_NS);
    assert.deepEqual(
      report.references.map((x: { reference: string; found: boolean }) => [x.reference, x.found]),
      [
        ['secret:openmetadata-database-mysql-prod-password', true],
        ['secret:openmetadata-database-mysql-prod-sslkey', true],
        ['secret:does-not-exist', false],
        ['secret:no-value-key', false],
      ],
    );
  });

  test('fail closed: a missing Secret stops resolve, names reference and namespace, writes nothing', async () => {
    const wf = ctx.fx.file(
      'wf-missing.yaml',
      workflowYaml(settings, { ...source, extra: 'secret:does-not-exist' }),
    );
    const out = join(ctx.fx.dir, 'never.yaml');
    const r = await runCli(['ingestion', 'resolve', '-c', wf, '--output-file', out], {
      env: envFor(ctx.fx),
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error OMSM_ERR_SECRET_UNRESOLVED: cannot resolve secret:does-not-exist/);
    assert.match(r.stderr, /namespace "secrets"/);
    assert.equal(existsSync(out), false);
  });

  test('fail closed: 403 in a namespace the Role does not cover', async () => {
    const wf = ctx.fx.file('wf-403.yaml', workflowYaml(settings, source));
    const r = await runCli(['ingestion', 'resolve', '-c', wf, '--stdout', '--namespace', 'other'], {
      env: envFor(ctx.fx),
    });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /OMSM_ERR_SECRET_UNRESOLVED: 2 references cannot be resolved \(provider kubernetes, namespace "other"\)/,
    );
    assert.match(r.stderr, /OMSM_ERR_SECRET_FORBIDDEN/);
  });

  test('a bad loader setting is a config error (exit 2) before any call', async () => {
    const wf = ctx.fx.file(
      'wf-badbool.yaml',
      workflowYaml({ ...settings, secretsManagerLoader: 'airflow' }, source),
    );
    const r = await runCli(['ingestion', 'check', '-c', wf], {
      env: {
        AIRFLOW_HOME: ctx.fx.dir,
        AIRFLOW__OPENMETADATA_SECRETS_MANAGER__KUBERNETES_IN_CLUSTER: 'yes',
      },
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /OMSM_ERR_LOADER_CONFIG: kubernetes_in_cluster is "yes"/);
  });
});
