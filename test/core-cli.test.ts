/**
 * `omsm config check` and `omsm secret-name`, run as a user runs them: `node bin/omsm.js`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const BIN = new URL('../bin/omsm.js', import.meta.url).pathname;

function omsm(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(SECRET_MANAGER|OM_|OPENMETADATA_|FERNET_KEY|DB_|SERVER_|PIPELINE_|OMSM_CONFIG)/.test(k),
    ),
  );
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...clean, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-cli-'));
  const file = join(dir, 'openmetadata.yaml');
  writeFileSync(file, text);
  return file;
}

test('secret-name prints the seed example', () => {
  const r = omsm(['secret-name', 'database', 'myservice', 'password']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'openmetadata-database-myservice-password\n');
});

test('secret-name uses prefix and clusterName from -c', () => {
  const file = configFile('clusterName: Prod_EU\nsecretsManagerConfiguration:\n  prefix: team\n');
  const r = omsm(['secret-name', 'bot', 'ingestion_bot', 'config', 'JWTToken', '-c', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'team-prod-eu-bot-ingestion-bot-config-jwttoken\n');
});

test('secret-name also reads the env the config substitutes', () => {
  const r = omsm(['secret-name', 'bot', 'x'], { OPENMETADATA_CLUSTER_NAME: 'staging' });
  assert.equal(r.stdout, 'staging-bot-x\n');
});

test('secret-name: a part that cleans to nothing exits 2 with the code', () => {
  const r = omsm(['secret-name', 'database', '___', 'password']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /OMSM_ERR_NAME_EMPTY/);
  assert.match(r.stderr, /part 2/);
  assert.equal(r.stdout, '');
});

test('secret-name with no parts is a usage error (exit 2)', () => {
  assert.equal(omsm(['secret-name']).code, 2);
});

test('config check prints the effective config with secrets masked (exit 0)', () => {
  const r = omsm(['config', 'check'], { DB_USER_PASSWORD: 'db-pass-123', OM_ADMIN_TOKEN: 'admin-tok-456' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /clusterName: openmetadata/);
  assert.match(r.stdout, /fernetKey: "\*{9}"/);
  assert.ok(!r.stdout.includes('db-pass-123') && !r.stdout.includes('admin-tok-456'));
  assert.ok(!r.stdout.includes('jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA='));
});

test('config check --output json is JSON', () => {
  const r = omsm(['config', 'check', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).server.port, 8585);
});

test('config check: invalid config exits 2 and lists every problem by path', () => {
  const file = configFile(
    'secretsManagerConfiguration:\n  tags: "[bad key:v]"\n  parameters:\n    inCluster: maybe\nserver:\n  port: 70000\n',
  );
  const r = omsm(['config', 'check', '-c', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /OMSM_ERR_CONFIG_INVALID/);
  assert.match(r.stderr, /secretsManagerConfiguration\.tags/);
  assert.match(r.stderr, /secretsManagerConfiguration\.parameters\.inCluster/);
  assert.match(r.stderr, /server\.port/);
  assert.equal(r.stdout, '');
});

test('config check: unsupported provider exits 2 listing the supported ones', () => {
  const r = omsm(['config', 'check'], { SECRET_MANAGER: 'managed-aws' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /OMSM_ERR_CONFIG_PROVIDER/);
  assert.match(r.stderr, /db, in-memory, kubernetes/);
});

test('config check: undefined variable exits 2 naming it and its line', () => {
  const file = configFile('clusterName: x\nserver:\n  host: ${MY_UNSET_HOST}\n');
  const r = omsm(['config', 'check', '-c', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /OMSM_ERR_CONFIG_UNDEFINED_VAR/);
  assert.match(r.stderr, /MY_UNSET_HOST.*line 3/);
});

test('config check: a secret value in an invalid field is never printed', () => {
  const r = omsm(['config', 'check'], { DB_USER_PASSWORD: '[leaky-password-789]' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /database\.password/);
  assert.ok(!r.stderr.includes('leaky-password-789'));
});

test('config check: a missing file exits 2', () => {
  const r = omsm(['config', 'check', '-c', '/nonexistent/openmetadata.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /OMSM_ERR_CONFIG_FILE/);
});

test('--help and --version work on these commands', () => {
  for (const args of [
    ['config', '--help'],
    ['config', 'check', '--help'],
    ['secret-name', '--help'],
    ['config', '--version'],
  ]) {
    const r = omsm(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stdout.length > 0);
  }
});
