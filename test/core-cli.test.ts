/**
 * `omsm config check` and `omsm secret-name`: exit codes and stderr through `node bin/omsm.js` as a
 * user runs them (few spawns: each pays for tsx), the rest in-process through the commands' functions.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configCheck } from '../src/cli/commands/config.js';
import { secretNameOutput } from '../src/cli/commands/secret-name.js';
import { asOmsmError } from '../src/core/errors.js';
import { canary } from './support/canary.js';
import { scanOutput } from './support/leak-guard.js';

const BIN = new URL('../bin/omsm.js', import.meta.url).pathname;

function omsm(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(SECRET_MANAGER|OM_|OPENMETADATA_|FERNET_KEY|DB_|SERVER_|PIPELINE_|OMSM_CONFIG)/.test(k),
    ),
  );
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...clean, ...env }, encoding: 'utf8' });
  // None of these commands is meant to print a value: the leak guard checks both streams.
  scanOutput(`omsm ${args.slice(0, 2).join(' ')} stdout`, r.stdout);
  scanOutput(`omsm ${args.slice(0, 2).join(' ')} stderr`, r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-cli-'));
  const file = join(dir, 'openmetadata.yaml');
  writeFileSync(file, text);
  return file;
}

test('secret-name prints the documented example', () => {
  const r = omsm(['secret-name', 'database', 'myservice', 'password']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'openmetadata-database-myservice-password\n');
});

test('secret-name: a part that cleans to nothing exits 2 with the code', () => {
  const r = omsm(['secret-name', 'database', '___', 'password']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /OMSM_ERR_NAME_EMPTY/);
  assert.match(r.stderr, /part 2/);
  assert.equal(r.stdout, '');
});

test('config check prints the effective config with secrets masked (exit 0)', () => {
  const dbPassword = canary();
  const adminToken = canary();
  const r = omsm(['config', 'check'], { DB_USER_PASSWORD: dbPassword, OM_ADMIN_TOKEN: adminToken });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /clusterName: openmetadata/);
  assert.match(r.stdout, /fernetKey: "\*{9}"/);
  assert.ok(!r.stdout.includes(dbPassword) && !r.stdout.includes(adminToken));
  assert.ok(!r.stdout.includes('jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA='));
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

test('--help works on the commands (exit 0)', () => {
  const r = omsm(['secret-name', '--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Exit codes/);
});

function withEnv<T>(env: Record<string, string>, fn: () => T): T {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) {
    if (/^(SECRET_MANAGER|OM_|OPENMETADATA_|FERNET_KEY|DB_|SERVER_|PIPELINE_|OMSM_CONFIG)/.test(k))
      delete process.env[k];
  }
  Object.assign(process.env, env);
  try {
    return fn();
  } finally {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

function failure(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    const e = asOmsmError(err);
    assert.ok(e, String(err));
    return e;
  }
  assert.fail('expected an error');
}

test('secret-name uses prefix and clusterName from -c, and the env the config substitutes', () => {
  const file = configFile('clusterName: ${C:-Prod_EU}\nsecretsManagerConfiguration:\n  prefix: team\n');
  withEnv({}, () => {
    assert.equal(
      secretNameOutput(['bot', 'ingestion_bot', 'config', 'JWTToken'], { config: file }),
      'team-prod-eu-bot-ingestion-bot-config-jwttoken\n',
    );
  });
  withEnv({ C: 'staging' }, () =>
    assert.equal(secretNameOutput(['bot', 'x'], { config: file }), 'team-staging-bot-x\n'),
  );
  withEnv({}, () =>
    assert.match(
      secretNameOutput(['bot', 'x'], { id: true }),
      /^openmetadata-bot-x\topenmetadata\/bot\/x\n$/,
    ),
  );
});

test('config check --output json is JSON with secrets masked', () => {
  const out = withEnv({ OM_JWT_SECRET: 'jwt-secret-000' }, () => configCheck({ output: 'json' }));
  const parsed = JSON.parse(out);
  assert.equal(parsed.server.port, 8585);
  assert.equal(parsed.authentication.jwtSecret, '*********');
  assert.ok(!out.includes('jwt-secret-000'));
});

test('config check: a secret value in an invalid field is never printed', () => {
  const leaky = canary();
  const e = withEnv({ DB_USER_PASSWORD: `[${leaky}]` }, () => failure(() => configCheck({})));
  assert.equal(e.code, 'OMSM_ERR_CONFIG_INVALID');
  assert.match(e.message, /database\.password/);
  assert.ok(!JSON.stringify({ m: e.message, d: e.details }).includes(leaky));
  assert.equal(e.exitCode, 2);
});

test('config check: a missing file is OMSM_ERR_CONFIG_FILE (exit 2)', () => {
  const e = failure(() => configCheck({ config: '/nonexistent/openmetadata.yaml' }));
  assert.equal(e.code, 'OMSM_ERR_CONFIG_FILE');
  assert.equal(e.exitCode, 2);
});
