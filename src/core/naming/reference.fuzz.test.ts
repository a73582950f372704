/**
 * Property tests for `secret:` references (`toReference`, `parseReference`, `isReference`): a
 * valid Secret name survives the round trip, the prefix is stripped exactly once, and anything
 * that is not a valid name is an OmsmError OMSM_ERR_REFERENCE_INVALID (exit 2), never another
 * exception and never a silently rewritten name.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { OmsmError } from '../errors.js';
import { isReference, parseReference, REFERENCE_PREFIX, toReference } from './reference.js';

const RUNS = 300;

const label = fc
  .tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    fc.stringMatching(/^[-a-z0-9]{0,40}$/),
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
  )
  .map(([a, mid, z]) => (mid === '' ? a : `${a}${mid}${z}`));
/** Valid DNS-1123 subdomains up to 253 characters. */
const validName = fc
  .array(label, { minLength: 1, maxLength: 8 })
  .map((ls) => ls.join('.'))
  .filter((n) => n.length <= 253);

function isDns1123Subdomain(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l));
}

function parseOrCode(value: string): { name: string } | { code: string } {
  try {
    return { name: parseReference(value) };
  } catch (err) {
    assert.ok(err instanceof OmsmError, `not an OmsmError: ${String(err)}`);
    assert.equal(err.exitCode, 2);
    assert.equal(err.details.path, 'reference');
    return { code: err.code };
  }
}

test('parse(toReference(n)) = n and parse(n) = n for every valid name', () => {
  fc.assert(
    fc.property(validName, (n) => {
      const ref = toReference(n);
      assert.ok(isReference(ref));
      assert.equal(parseReference(ref), n);
      assert.equal(parseReference(n), n);
    }),
    { numRuns: RUNS },
  );
});

test('the prefix is stripped once: secret:secret:<n> is invalid, never <n>', () => {
  fc.assert(
    fc.property(validName, fc.integer({ min: 2, max: 4 }), (n, times) => {
      const r = parseOrCode(REFERENCE_PREFIX.repeat(times) + n);
      assert.deepEqual(r, { code: 'OMSM_ERR_REFERENCE_INVALID' });
    }),
    { numRuns: RUNS },
  );
});

const anyText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '',
    'secret:',
    'SECRET:x',
    'secret: x',
    'a..b',
    '-a',
    'a-',
    'A',
    'a_b',
    '../etc',
    'a%2Fb',
    'a\r\nb',
    'a\u0000b',
  ),
  fc.integer({ min: 250, max: 300 }).map((k) => 'a'.repeat(k)),
  validName.map((n) => `${n}\n`),
);

test('any text: the name it holds when valid, else OMSM_ERR_REFERENCE_INVALID', () => {
  fc.assert(
    fc.property(fc.boolean(), anyText, (prefixed, s) => {
      const value = prefixed ? REFERENCE_PREFIX + s : s;
      const bare = value.startsWith(REFERENCE_PREFIX) ? value.slice(REFERENCE_PREFIX.length) : value;
      const r = parseOrCode(value);
      if (isDns1123Subdomain(bare)) assert.deepEqual(r, { name: bare });
      else assert.deepEqual(r, { code: 'OMSM_ERR_REFERENCE_INVALID' });
    }),
    { numRuns: RUNS },
  );
});

test('isReference holds exactly for strings starting with secret:', () => {
  fc.assert(
    fc.property(fc.oneof(anyText, fc.anything() as fc.Arbitrary<unknown>), (v) => {
      assert.equal(isReference(v), typeof v === 'string' && v.startsWith('secret:'));
    }),
    { numRuns: RUNS },
  );
});
