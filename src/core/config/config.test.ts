import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { asOmsmError, type OmsmError } from '../errors.js';
import { isOmsmErrorCode } from '../../../test/support/assert-error-code.js';
import { loadConfig, maskedConfig } from './load-config.js';
import { substitute } from './substitute.js';

// --- substitution ---
const SUBST: { desc: string; text: string; env: Record<string, string>; want: string }[] = [
  { desc: 'set variable', text: 'a: ${X}', env: { X: '1' }, want: 'a: 1' },
  { desc: 'default when unset', text: 'a: ${X:-d}', env: {}, want: 'a: d' },
  { desc: 'default keeps its quotes', text: 'a: ${X:-"false"}', env: {}, want: 'a: "false"' },
  { desc: 'env value wins over default', text: 'a: ${X:-"false"}', env: { X: 'true' }, want: 'a: true' },
  { desc: 'empty env value is used (StringSubstitutor)', text: 'a: ${X:-d}', env: { X: '' }, want: 'a: ' },
  { desc: 'empty default', text: 'a: ${X:-}', env: {}, want: 'a: ' },
  { desc: 'several on one line', text: 'a: ${X:-1}-${Y:-2}', env: { Y: 'y' }, want: 'a: 1-y' },
  { desc: 'escape $${X}', text: 'a: $${X}', env: { X: 'no' }, want: 'a: ${X}' },
  { desc: 'bracket default', text: 'tags: ${T:-[]}', env: {}, want: 'tags: []' },
  { desc: 'comment lines untouched', text: '# ${UNSET}\na: 1', env: {}, want: '# ${UNSET}\na: 1' },
];
for (const c of SUBST) {
  test(`substitute: ${c.desc}`, () => assert.equal(substitute(c.text, c.env), c.want));
}

test('substitute: undefined variable without default names it and its line', () => {
  assert.throws(
    () => substitute('a: 1\nb: 2\nc: ${MISSING_VAR}\n', {}),
    (err: OmsmError) => {
      assert.equal(err.code, 'OMSM_ERR_CONFIG_UNDEFINED_VAR');
      assert.match(err.message, /MISSING_VAR/);
      assert.match(err.message, /line 3/);
      return true;
    },
  );
});

// --- the shipped file and defaults ---
test('the shipped conf/openmetadata.yaml loads with an empty environment', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.clusterName, 'openmetadata');
  assert.equal(c.secretsManagerConfiguration.secretsManager, 'db');
  assert.equal(c.secretsManagerConfiguration.prefix, '');
  assert.deepEqual(c.secretsManagerConfiguration.tags, {});
  assert.deepEqual(c.secretsManagerConfiguration.parameters, {
    namespace: 'default',
    kubeconfigPath: '',
    inCluster: false,
    accessCheck: 'warn',
    requestDeadlineMs: 30000,
    concurrency: 32,
  });
  assert.equal(c.pipelineServiceClientConfiguration.secretsManagerLoader, 'noop');
  assert.deepEqual(c.server, { host: '127.0.0.1', port: 8585 });
  assert.equal(c.database.scheme, 'sqlite');
  assert.equal(c.database.name, 'data/omsm.db');
  assert.equal(c.authentication.issuer, 'open-metadata.org');
  assert.deepEqual(c.schemaDirs, []);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.secretsManagerConfiguration.parameters));
});

test('every upstream env var of docs/contract.md#upstream-defaults is honoured', () => {
  const c = loadConfig({
    env: {
      OPENMETADATA_CLUSTER_NAME: 'prod',
      SECRET_MANAGER: 'kubernetes',
      SECRET_MANAGER_PREFIX: 'team',
      SECRET_MANAGER_TAGS: '[env:prod,team:data]',
      OM_SM_NAMESPACE: 'secrets',
      OM_SM_KUBECONFIG_PATH: '/tmp/kc',
      OM_SM_IN_CLUSTER: 'TRUE',
      FERNET_KEY: 'no_encryption_at_rest',
      PIPELINE_SERVICE_CLIENT_SECRETS_MANAGER_LOADER: 'airflow',
    },
  });
  assert.equal(c.clusterName, 'prod');
  assert.equal(c.secretsManagerConfiguration.secretsManager, 'kubernetes');
  assert.equal(c.secretsManagerConfiguration.prefix, 'team');
  assert.deepEqual(c.secretsManagerConfiguration.tags, { env: 'prod', team: 'data' });
  assert.equal(c.secretsManagerConfiguration.parameters.namespace, 'secrets');
  assert.equal(c.secretsManagerConfiguration.parameters.kubeconfigPath, '/tmp/kc');
  assert.equal(c.secretsManagerConfiguration.parameters.inCluster, true);
  assert.equal(c.fernetConfiguration.fernetKey, 'no_encryption_at_rest');
  assert.equal(c.pipelineServiceClientConfiguration.secretsManagerLoader, 'airflow');
});

const base = (body: string) => `secretsManagerConfiguration:\n${body}`;

test('tags: YAML list form, split on the first colon', () => {
  const c = loadConfig({ text: base('  tags:\n    - "a:b"\n    - "example.com/x:y"\n    - c:\n'), env: {} });
  assert.deepEqual(c.secretsManagerConfiguration.tags, { a: 'b', 'example.com/x': 'y', c: '' });
  // Split on the first colon: the rest belongs to the value (and `:` is not allowed in one).
  const got = issues(() => loadConfig({ text: base('  tags:\n    - "k:y:z"\n'), env: {} }));
  assert.match(got[0]!.message, /label value "y:z" of "k"/);
});

test('tags: bracketed string and flow list forms agree', () => {
  const s = loadConfig({ text: base('  tags: "[a:1, b:2]"\n'), env: {} });
  const l = loadConfig({ text: base('  tags: [a:1, b:2]\n'), env: {} });
  assert.deepEqual(s.secretsManagerConfiguration.tags, { a: '1', b: '2' });
  assert.deepEqual(l.secretsManagerConfiguration.tags, s.secretsManagerConfiguration.tags);
});

function issues(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    const e = asOmsmError(err);
    assert.equal(e?.code, 'OMSM_ERR_CONFIG_INVALID', e?.message);
    return [...(e!.details.issues ?? [])];
  }
  assert.fail('expected a validation error');
}

test('tags: bad label keys and values are refused with their path', () => {
  const got = issues(() =>
    loadConfig({ text: base('  tags: "[ok:1, bad key:x, k:-bad-, noColon, a/b/c:1]"\n'), env: {} }),
  );
  const paths = got.map((i) => i.path);
  assert.ok(paths.every((p) => p.startsWith('secretsManagerConfiguration.tags')));
  assert.equal(got.length, 4, JSON.stringify(got));
  assert.ok(got.some((i) => /bad key/.test(i.message)));
  assert.ok(got.some((i) => /-bad-/.test(i.message)));
  assert.ok(got.some((i) => /noColon.*key:value/.test(i.message)));
});

test('inCluster: string or boolean, true in any case; garbage refused', () => {
  for (const [v, want] of [
    ['true', true],
    ['"True"', true],
    ['"TRUE"', true],
    ['false', false],
    ['"false"', false],
    ['""', false],
  ] as const) {
    const c = loadConfig({ text: base(`  parameters:\n    inCluster: ${v}\n`), env: {} });
    assert.equal(c.secretsManagerConfiguration.parameters.inCluster, want, v);
  }
  const got = issues(() => loadConfig({ text: base('  parameters:\n    inCluster: "yes"\n'), env: {} }));
  assert.equal(got[0]!.path, 'secretsManagerConfiguration.parameters.inCluster');
  assert.match(got[0]!.message, /true or false/);
  assert.match(got[0]!.message, /"yes"/);
});

test('database: empty port and name take the scheme defaults', () => {
  const pg = loadConfig({ env: { DB_SCHEME: 'postgresql' } });
  assert.equal(pg.database.port, 5432);
  assert.equal(pg.database.name, 'openmetadata_db');
  const my = loadConfig({ env: { DB_SCHEME: 'mysql', DB_PORT: '3307', OM_DATABASE: 'x' } });
  assert.equal(my.database.port, 3307);
  assert.equal(my.database.name, 'x');
  assert.equal(loadConfig({ env: { DB_SCHEME: 'mariadb' } }).database.port, 3306);
});

test('unknown provider lists the supported ones; upstream-only ones are called out', () => {
  for (const [value, upstream] of [
    ['aws-ssm', true],
    ['vault', false],
  ] as const) {
    assert.throws(
      () => loadConfig({ env: { SECRET_MANAGER: value } }),
      (err: OmsmError) => {
        assert.equal(err.code, 'OMSM_ERR_CONFIG_PROVIDER');
        assert.match(err.message, /db, in-memory, kubernetes/);
        assert.equal(/does not implement/.test(err.message), upstream);
        return true;
      },
    );
  }
  assert.equal(
    loadConfig({ env: { SECRET_MANAGER: 'Kubernetes' } }).secretsManagerConfiguration.secretsManager,
    'kubernetes',
  );
});

test('every problem is listed at once, each with path, message and fix', () => {
  const got = issues(() =>
    loadConfig({
      env: {
        SERVER_PORT: '99999',
        OM_SM_NAMESPACE: 'Not_A_Namespace',
        OM_SM_ACCESS_CHECK: 'maybe',
        OM_SM_CONCURRENCY: '0',
      },
    }),
  );
  const byPath = new Map(got.map((i) => [i.path, i]));
  assert.ok(byPath.get('server.port'), JSON.stringify(got));
  assert.match(byPath.get('server.port')!.message, /0 to 65535.*99999/);
  assert.ok(byPath.get('secretsManagerConfiguration.parameters.namespace'));
  assert.match(byPath.get('secretsManagerConfiguration.parameters.accessCheck')!.message, /fail, warn, off/);
  assert.ok(byPath.get('secretsManagerConfiguration.parameters.concurrency'));
  for (const i of got) assert.ok((i as { fix?: string }).fix, `${i.path} has no fix`);
});

test('validation errors never echo a secret value', () => {
  const secret = 'S3cr3t-value-do-not-print';
  for (const env of [
    { DB_USER_PASSWORD: `[${secret}]` },
    { OM_JWT_SECRET: `{a: ${secret}}` },
    { OM_ADMIN_TOKEN: `[${secret}]` },
    { FERNET_KEY: secret },
    { FERNET_KEY: `[${secret}]` },
  ]) {
    try {
      loadConfig({ env });
      assert.fail(`expected an error for ${Object.keys(env)[0]}`);
    } catch (err) {
      const e = asOmsmError(err);
      assert.ok(e, 'an OmsmError');
      assert.ok(
        !JSON.stringify({ m: e.message, d: e.details }).includes(secret),
        `${e.code} leaked the value`,
      );
    }
  }
});

test('a bad Fernet key is a config error at load time', () => {
  assert.throws(
    () => loadConfig({ env: { FERNET_KEY: 'c2hvcnQ=' } }),
    isOmsmErrorCode('OMSM_ERR_FERNET_KEY'),
  );
});

test('YAML syntax errors and unreadable files have their own codes', () => {
  assert.throws(() => loadConfig({ text: 'a: [1,\n', env: {} }), isOmsmErrorCode('OMSM_ERR_CONFIG_INVALID'));
  assert.throws(
    () => loadConfig({ path: '/nonexistent/omsm.yaml' }),
    isOmsmErrorCode('OMSM_ERR_CONFIG_FILE'),
  );
});

test('a file path is read, and unknown upstream keys are ignored', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-config-'));
  const file = join(dir, 'openmetadata.yaml');
  writeFileSync(file, 'clusterName: ${C:-x}\nlogging:\n  level: INFO\nschemaDirs: "a, b"\n');
  const c = loadConfig({ path: file, env: {} });
  assert.equal(c.clusterName, 'x');
  assert.deepEqual(c.schemaDirs, ['a', 'b']);
  assert.deepEqual(c.logging, { level: 'info' }, "upstream's logging.level is read, in any case");
});

test('log level: logging.level (LOG_LEVEL in the shipped file), OMSM_LOG_LEVEL wins, INFO by default', () => {
  assert.equal(loadConfig({ env: {} }).logging.level, 'info');
  assert.equal(loadConfig({ env: { LOG_LEVEL: 'DEBUG' } }).logging.level, 'debug');
  assert.equal(loadConfig({ env: { LOG_LEVEL: 'DEBUG', OMSM_LOG_LEVEL: 'warn' } }).logging.level, 'warn');
  assert.equal(loadConfig({ env: { LOG_LEVEL: 'ERROR', OMSM_LOG_LEVEL: '' } }).logging.level, 'error');
  assert.equal(loadConfig({ text: 'logging:\n  level: TRACE\n', env: {} }).logging.level, 'trace');
  assert.equal(loadConfig({ text: 'clusterName: x\n', env: { LOG_LEVEL: 'debug' } }).logging.level, 'info');
  for (const env of [{ LOG_LEVEL: 'verbose' }, { OMSM_LOG_LEVEL: 'loud' }]) {
    assert.throws(
      () => loadConfig({ env }),
      (err: { code?: string; details?: { issues?: { path: string; message: string; fix?: string }[] } }) => {
        const issue = err.details?.issues?.[0];
        return (
          err.code === 'OMSM_ERR_CONFIG_INVALID' &&
          issue?.path === 'logging.level' &&
          /must be one of off, fatal, error, warn, info, debug, trace, all, silent/.test(issue.message) &&
          /LOG_LEVEL \(or OMSM_LOG_LEVEL, which wins\)/.test(issue.fix ?? '')
        );
      },
    );
  }
});

test('maskedConfig masks every secret key that has a value, and nothing else', () => {
  const c = loadConfig({ env: { OM_JWT_SECRET: 'jwt', OM_ADMIN_TOKEN: 'adm', DB_USER_PASSWORD: 'pw' } });
  const m = maskedConfig(c) as Record<string, Record<string, unknown>>;
  assert.equal(m.fernetConfiguration!.fernetKey, '*********');
  assert.equal(m.database!.password, '*********');
  assert.equal(m.authentication!.jwtSecret, '*********');
  assert.equal(m.authentication!.adminToken, '*********');
  assert.equal(m.database!.user, 'openmetadata_user');
  const empty = maskedConfig(loadConfig({ env: {} })) as Record<string, Record<string, unknown>>;
  assert.equal(empty.authentication!.jwtSecret, '', 'unset secrets stay visibly unset');
  assert.equal(c.authentication.jwtSecret, 'jwt', 'the config itself is unchanged');
});
