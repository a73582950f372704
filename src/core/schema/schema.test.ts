import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { isOmsmErrorCode } from '../../../test/support/assert-error-code.js';
import { loadSchemaRegistry, SchemaRegistry } from './schema-registry.js';

const reg = loadSchemaRegistry();

const CASES: { desc: string; schema: string; config: Record<string, never> | object; want: string[] }[] = [
  {
    desc: 'Mysql basic auth through oneOf + file $ref',
    schema: 'Mysql',
    config: { username: 'u', hostPort: 'h:3306', authType: { password: 'p' } },
    want: ['authType.password'],
  },
  {
    desc: 'Mysql IAM alternative: nested $ref to awsCredentials',
    schema: 'Mysql',
    config: { authType: { awsConfig: { awsRegion: 'eu', awsSecretAccessKey: 'k', awsSessionToken: 't' } } },
    want: ['authType.awsConfig.awsSecretAccessKey', 'authType.awsConfig.awsSessionToken'],
  },
  {
    desc: 'Postgres with TLS key',
    schema: 'Postgres',
    config: { authType: { password: 'p' }, sslConfig: { caCertificate: 'ca', sslKey: 'k' } },
    want: ['authType.password', 'sslConfig.sslKey'],
  },
  {
    desc: 'Snowflake password and key pair',
    schema: 'Snowflake',
    config: {
      username: 'u',
      password: 'p',
      privateKey: 'k',
      snowflakePrivatekeyPassphrase: 'pp',
      account: 'a',
    },
    want: ['password', 'privateKey', 'snowflakePrivatekeyPassphrase'],
  },
  {
    desc: 'BigQuery gcpConfig values: local #/definitions $ref inside oneOf',
    schema: 'BigQuery',
    config: {
      credentials: {
        gcpConfig: { type: 'service_account', privateKey: 'k', clientEmail: 'e', projectId: ['a', 'b'] },
      },
    },
    want: ['credentials.gcpConfig.privateKey'],
  },
  {
    desc: 'BigQuery credentials path: no password field',
    schema: 'BigQuery',
    config: { credentials: { gcpConfig: { path: '/k.json' } } },
    want: [],
  },
  { desc: 'Redshift', schema: 'Redshift', config: { password: 'p', username: 'u' }, want: ['password'] },
  {
    desc: 'Trino JWT alternative',
    schema: 'Trino',
    config: { authType: { jwt: 't' } },
    want: ['authType.jwt'],
  },
  {
    desc: 'Kafka SASL and schema registry',
    schema: 'Kafka',
    config: {
      saslPassword: 's',
      basicAuthUserInfo: 'u:p',
      schemaRegistrySSL: { sslKey: 'k' },
      bootstrapServers: 'b',
    },
    want: ['saslPassword', 'basicAuthUserInfo', 'schemaRegistrySSL.sslKey'],
  },
  {
    desc: 'Airflow: nested db connection picked by its type',
    schema: 'Airflow',
    config: {
      hostPort: 'http://a',
      connection: { type: 'Postgres', username: 'u', authType: { password: 'p' } },
    },
    want: ['connection.authType.password'],
  },
  {
    desc: 'Tableau personal access token',
    schema: 'Tableau',
    config: { authType: { personalAccessTokenName: 'n', personalAccessTokenSecret: 's' } },
    want: ['authType.personalAccessTokenSecret'],
  },
  {
    desc: 'Looker client secret and GitHub token',
    schema: 'Looker',
    config: {
      clientSecret: 'c',
      gitCredentials: { type: 'GitHub', repositoryOwner: 'o', repositoryName: 'r', token: 't' },
    },
    want: ['clientSecret', 'gitCredentials.token'],
  },
  {
    desc: 'bot JWT at config.JWTToken',
    schema: 'AuthenticationMechanism',
    config: { authType: 'JWT', config: { JWTToken: 't', JWTTokenExpiry: 'Unlimited' } },
    want: ['config.JWTToken'],
  },
  {
    desc: 'JWTAuthMechanism alone',
    schema: 'JWTAuthMechanism',
    config: { JWTToken: 't' },
    want: ['JWTToken'],
  },
  {
    desc: 'dbt cloud token',
    schema: 'DbtPipeline',
    config: { dbtConfigSource: { dbtConfigType: 'cloud', dbtCloudAuthToken: 't', dbtCloudAccountId: '1' } },
    want: ['dbtConfigSource.dbtCloudAuthToken'],
  },
  {
    desc: 'dbt S3: enum discriminator picks awsCredentials',
    schema: 'DbtPipeline',
    config: {
      dbtConfigSource: {
        dbtConfigType: 's3',
        dbtSecurityConfig: { awsRegion: 'r', awsSecretAccessKey: 'k' },
      },
    },
    want: ['dbtConfigSource.dbtSecurityConfig.awsSecretAccessKey'],
  },
  {
    desc: 'dbt GCS credentials',
    schema: 'DbtPipeline',
    config: {
      dbtConfigSource: {
        dbtConfigType: 'gcs',
        dbtSecurityConfig: { gcpConfig: { privateKey: 'k', clientEmail: 'e' } },
      },
    },
    want: ['dbtConfigSource.dbtSecurityConfig.gcpConfig.privateKey'],
  },
  {
    desc: 'absent and non-string fields are not reported',
    schema: 'Mysql',
    config: { authType: { password: null }, username: 'u' },
    want: [],
  },
];

for (const c of CASES) {
  test(`passwordPaths: ${c.desc}`, () => {
    const got = reg.passwordPaths(c.schema, c.config as never).map((p) => p.join('.'));
    assert.deepEqual(got.sort(), [...c.want].sort());
  });
}

test('includeNull reports cleared password fields', () => {
  const got = reg.passwordPaths('Mysql', { authType: { password: null } }, { includeNull: true });
  assert.deepEqual(got, [['authType', 'password']]);
});

function userDir(files: Record<string, object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'omsm-schemas-'));
  for (const [name, schema] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), JSON.stringify(schema));
  }
  return dir;
}

test('user schemas: arrays, anyOf, patternProperties, refs to bundled schemas by name', () => {
  const dir = userDir({
    'custom/MyConn.json': {
      type: 'object',
      properties: {
        replicas: { type: 'array', items: { $ref: '#/definitions/replica' } },
        auth: {
          anyOf: [
            { $ref: 'basicAuth.json' },
            { type: 'object', properties: { token: { type: 'string', format: 'password' } } },
          ],
        },
        extra: { type: 'object', patternProperties: { '^secret_': { type: 'string', format: 'password' } } },
      },
      definitions: {
        replica: {
          type: 'object',
          properties: { host: { type: 'string' }, password: { type: 'string', format: 'password' } },
        },
      },
    },
  });
  const r = new SchemaRegistry({ dirs: [dir] });
  const got = r
    .passwordPaths('MyConn', {
      replicas: [{ host: 'a', password: 'x' }, { host: 'b' }, { host: 'c', password: 'y' }],
      auth: { password: 'p' },
      extra: { secret_a: 's', plain: 'p' },
    })
    .map((p) => p.join('.'));
  assert.deepEqual(got.sort(), [
    'auth.password',
    'extra.secret_a',
    'replicas.0.password',
    'replicas.2.password',
  ]);
});

test('ambiguous alternatives take the union (masking too much is safe)', () => {
  const dir = userDir({
    'Amb.json': {
      type: 'object',
      properties: {
        a: {
          oneOf: [
            { type: 'object', properties: { key: { type: 'string', format: 'password' } } },
            {
              type: 'object',
              properties: { key: { type: 'string' }, other: { type: 'string', format: 'password' } },
            },
          ],
        },
      },
    },
  });
  const r = new SchemaRegistry({ dirs: [dir] });
  assert.deepEqual(r.passwordPaths('Amb', { a: { key: 'k' } }), [['a', 'key']]);
});

test('a user schema replaces a bundled one of the same name', () => {
  const dir = userDir({
    'Redshift.json': { type: 'object', properties: { token: { type: 'string', format: 'password' } } },
  });
  const r = new SchemaRegistry({ dirs: [dir] });
  assert.deepEqual(r.passwordPaths('Redshift', { token: 't', password: 'p' }), [['token']]);
});

test('unknown schema names the name and the directories searched', () => {
  assert.throws(
    () => reg.passwordPaths('NoSuchSchema', {}),
    (err: Error & { code?: string }) => {
      isOmsmErrorCode('OMSM_ERR_SCHEMA_UNKNOWN')(err);
      assert.match(err.message, /NoSuchSchema/);
      assert.match(err.message, /schemas/);
      return true;
    },
  );
  assert.equal(reg.get('mysql').name, 'Mysql', 'case-insensitive fallback');
});

test('a dangling $ref and bad JSON are OMSM_ERR_SCHEMA_INVALID', () => {
  const dir = userDir({ 'Broken.json': { type: 'object', properties: { a: { $ref: 'nothere.json' } } } });
  assert.throws(
    () => new SchemaRegistry({ dirs: [dir] }).passwordPaths('Broken', { a: 'x' }),
    isOmsmErrorCode('OMSM_ERR_SCHEMA_INVALID'),
  );
  const bad = mkdtempSync(join(tmpdir(), 'omsm-schemas-'));
  writeFileSync(join(bad, 'X.json'), '{not json');
  assert.throws(() => new SchemaRegistry({ dirs: [bad] }), isOmsmErrorCode('OMSM_ERR_SCHEMA_INVALID'));
});

test('every bundled schema compiles with ajv (strict: false) and validates its own examples', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('password', true);
  for (const e of reg.entries()) ajv.addSchema(e.schema);
  for (const e of reg.entries()) assert.ok(ajv.getSchema(e.schema.$id as string), `${e.name} compiles`);
  const validate = (name: string, data: unknown) => ajv.getSchema(reg.get(name).schema.$id as string)!(data);
  for (const c of CASES) {
    if (c.schema === 'Mysql' && c.desc.startsWith('Mysql basic'))
      assert.equal(validate('Mysql', c.config), true);
  }
  assert.equal(
    validate('Mysql', { username: 'u', hostPort: 'h', unknownKey: 1 }),
    false,
    'additionalProperties: false',
  );
  assert.equal(
    validate('AuthenticationMechanism', {
      authType: 'JWT',
      config: { JWTToken: 't', JWTTokenExpiry: 'Unlimited' },
    }),
    true,
  );
  assert.equal(
    validate('Airflow', {
      hostPort: 'http://a',
      connection: { type: 'Mysql', username: 'u', hostPort: 'h', authType: { password: 'p' } },
    }),
    true,
  );
});
