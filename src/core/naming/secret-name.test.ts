import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { asOmsmError } from '../errors.js';
import { isOmsmErrorCode } from '../../../test/support/assert-error-code.js';
import { isReference, parseReference, toReference } from './reference.js';
import {
  childSecretName,
  isValidSecretName,
  MAX_NAME_LENGTH,
  sanitizeName,
  secretId,
} from './secret-name.js';

const OM = { prefix: '', clusterName: 'openmetadata' };
const name = (...parts: string[]) => secretId(OM, parts).name;

// docs/contract.md#test-vectors vectors, each a test.
const VECTORS: { desc: string; got: () => string; want: string }[] = [
  { desc: 'bot _mybot', got: () => name('bot', '_mybot'), want: 'openmetadata-bot-mybot' },
  { desc: 'service mydb_', got: () => name('service', 'mydb_'), want: 'openmetadata-service-mydb' },
  { desc: 'service my__db', got: () => name('service', 'my__db'), want: 'openmetadata-service-my-db' },
  {
    desc: 'child of openmetadata-service-my_service + password',
    got: () => childSecretName('openmetadata-service-my_service', 'password'),
    want: 'openmetadata-service-my-service-password',
  },
  {
    desc: 'child of openmetadata-database-myservice- + password',
    got: () => childSecretName('openmetadata-database-myservice-', 'password'),
    want: 'openmetadata-database-myservice-password',
  },
  { desc: 'sanitize a---b---c', got: () => sanitizeName('a---b---c'), want: 'a-b-c' },
  { desc: 'sanitize --abc--', got: () => sanitizeName('--abc--'), want: 'abc' },
  {
    desc: 'upstream: bot name config jwttoken',
    got: () => name('bot', 'name', 'config', 'JWTToken'),
    want: 'openmetadata-bot-name-config-jwttoken',
  },
  {
    desc: 'upstream: database myservice password',
    got: () => name('database', 'myservice', 'password'),
    want: 'openmetadata-database-myservice-password',
  },
  {
    desc: 'nested field authType.password',
    got: () => name('database', 'my_service', 'authType', 'password'),
    want: 'openmetadata-database-my-service-authtype-password',
  },
];
for (const v of VECTORS) {
  test(`upstream vector: ${v.desc}`, () => assert.equal(v.got(), v.want));
}

for (const bad of ['-', '---', '', '___']) {
  test(`upstream vector: sanitize ${JSON.stringify(bad)} is an error`, () => {
    assert.throws(() => sanitizeName(bad), isOmsmErrorCode('OMSM_ERR_NAME_EMPTY'));
  });
}

test('prefix and clusterName are joined with - and cleaned (the documented rule, not upstream code)', () => {
  assert.equal(secretId({ prefix: 'team', clusterName: 'prod' }, ['bot', 'x']).name, 'team-prod-bot-x');
  assert.equal(
    secretId({ prefix: 'My_Team', clusterName: 'Prod.EU' }, ['bot', 'x']).name,
    'my-team-prod-eu-bot-x',
  );
});

test('ids that clean to one name keep distinct logical ids', () => {
  const ids = ['my_db', 'my-db', 'My DB'].map((s) => secretId(OM, ['database', s, 'password']));
  assert.equal(new Set(ids.map((i) => i.name)).size, 1);
  assert.equal(new Set(ids.map((i) => i.id)).size, 3);
});

test('names over 253 end in a hash of the id: within the limit, valid and distinct', () => {
  const long = 'a'.repeat(300);
  const a = secretId(OM, ['database', `${long}1`, 'password']);
  const b = secretId(OM, ['database', `${long}2`, 'password']);
  const c = secretId(OM, ['database', long, 'password']);
  for (const s of [a, b, c]) {
    assert.ok(s.name.length <= MAX_NAME_LENGTH);
    assert.ok(isValidSecretName(s.name), s.name);
    assert.match(s.name, /-[0-9a-f]{10}$/);
  }
  assert.equal(new Set([a.name, b.name, c.name]).size, 3);
  // Deterministic: the same id gives the same name every time.
  assert.equal(secretId(OM, ['database', `${long}1`, 'password']).name, a.name);
});

test('a name of exactly 253 is kept as is (no hash)', () => {
  const part = 'b'.repeat(253 - 'openmetadata-'.length);
  const s = secretId(OM, [part]);
  assert.equal(s.name.length, 253);
  assert.equal(s.name, `openmetadata-${part}`);
});

test('property: any parts give a valid DNS-1123 subdomain or OMSM_ERR_NAME_EMPTY', () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 20 }),
      fc.string({ maxLength: 30 }),
      fc.array(fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 40 })), {
        maxLength: 6,
      }),
      (prefix, cluster, parts) => {
        try {
          const s = secretId({ prefix, clusterName: cluster }, parts);
          return isValidSecretName(s.name) && s.name.length <= MAX_NAME_LENGTH;
        } catch (err) {
          return asOmsmError(err)?.code === 'OMSM_ERR_NAME_EMPTY';
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test('property: distinct ids never share a name once over the limit', () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.string({ minLength: 1, maxLength: 20 }),
      (x, y) => {
        fc.pre(x !== y && /[A-Za-z0-9]/.test(x) && /[A-Za-z0-9]/.test(y));
        const base = 'z'.repeat(260);
        const a = secretId(OM, [base, x]);
        const b = secretId(OM, [base, y]);
        return a.name !== b.name;
      },
    ),
    { numRuns: 500 },
  );
});

test('references: build, recognize, parse (prefix stripped once)', () => {
  assert.equal(toReference('openmetadata-bot-x'), 'secret:openmetadata-bot-x');
  assert.equal(isReference('secret:x'), true);
  assert.equal(isReference('fernet:x'), false);
  assert.equal(isReference(42), false);
  assert.equal(
    parseReference('secret:openmetadata-bot-x-config-jwttoken'),
    'openmetadata-bot-x-config-jwttoken',
  );
  assert.equal(parseReference('openmetadata-bot-x'), 'openmetadata-bot-x');
  // Upstream's replace-all would turn this into a different name; omsm refuses it instead.
  assert.throws(() => parseReference('secret:secret:abc'), isOmsmErrorCode('OMSM_ERR_REFERENCE_INVALID'));
  assert.throws(() => parseReference('secret:Bad_Name'), isOmsmErrorCode('OMSM_ERR_REFERENCE_INVALID'));
});
