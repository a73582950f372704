/**
 * Property tests for secret ids and Kubernetes names (`secretId`, `sanitizeName`,
 * `childSecretName`). Names are checked against an independent DNS-1123 subdomain check written
 * here (not the product's own `isValidSecretName`), against the documented rule for short names,
 * and for collisions: distinct ids differ in id, and long ids (hashed names) never share a name.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { OmsmError } from '../errors.js';
import {
  childSecretName,
  isValidSecretName,
  type NamingContext,
  sanitizeName,
  secretId,
} from './secret-name.js';

const RUNS = 300;

/** RFC 1123 subdomain, as Kubernetes' IsDNS1123Subdomain: labels of [a-z0-9-], ends alnum, ≤ 253. */
function isDns1123Subdomain(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(label));
}

/** The documented rule (docs/contract.md#naming) for one part. */
function clean(p: string): string {
  return p
    .replace(/[^A-Za-z0-9-]/g, '-')
    .toLowerCase()
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

const part = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9_. -]{1,40}$/), weight: 4 },
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom(
    '',
    '-',
    '___',
    'my_db',
    'my-db',
    'My.DB',
    '../x',
    'a%2Fb',
    'a\r\nb',
    'a\u0000b',
    'İ',
    'ß',
    'Ⅻ',
  ),
  fc.integer({ min: 200, max: 400 }).map((n) => 'x'.repeat(n)),
);
const ctx: fc.Arbitrary<NamingContext> = fc.record({
  prefix: fc.oneof(fc.constant(''), fc.string({ maxLength: 12 }), fc.constantFrom('om', 'PROD_1')),
  clusterName: fc.oneof(
    { arbitrary: fc.constantFrom('openmetadata', 'Prod Cluster'), weight: 4 },
    fc.string({ maxLength: 20 }),
  ),
});

test('any parts: a valid DNS-1123 subdomain of at most 253 characters, or OMSM_ERR_NAME_EMPTY', () => {
  let named = 0;
  fc.assert(
    fc.property(ctx, fc.array(part, { maxLength: 6 }), (c, parts) => {
      let s: ReturnType<typeof secretId>;
      try {
        s = secretId(c, parts);
      } catch (err) {
        assert.ok(err instanceof OmsmError, String(err));
        assert.equal(err.code, 'OMSM_ERR_NAME_EMPTY');
        assert.equal(err.exitCode, 2);
        // Empty only when it really is: no parts, or some part with no ASCII letter or digit.
        const all = c.prefix === '' ? [c.clusterName, ...parts] : [c.prefix, c.clusterName, ...parts];
        assert.ok(parts.length === 0 || all.some((p) => clean(p) === ''));
        return;
      }
      named++;
      assert.ok(isDns1123Subdomain(s.name), `invalid name ${JSON.stringify(s.name.slice(0, 80))}`);
      assert.ok(isValidSecretName(s.name));
      const all = c.prefix === '' ? [c.clusterName, ...parts] : [c.prefix, c.clusterName, ...parts];
      const joined = all.map(clean).join('-');
      if (joined.length <= 253) assert.equal(s.name, joined, 'short names follow the documented rule');
      else {
        assert.match(s.name, /-[0-9a-f]{10}$/, 'long names end in a 10-hex hash');
        assert.ok(joined.startsWith(s.name.slice(0, -11)), 'long names keep the head of the full name');
      }
    }),
    { numRuns: RUNS },
  );
  // Guards against a vacuous pass; about a third of random part lists build a name, and a run of
  // 300 was seen as low as 69, so the floor sits well below that.
  assert.ok(named > RUNS / 8, `only ${named} names built`);
});

test('distinct part lists under one context differ in id (ids are unique per secret)', () => {
  fc.assert(
    fc.property(
      ctx,
      fc.array(part, { minLength: 1, maxLength: 4 }),
      fc.array(part, { minLength: 1, maxLength: 4 }),
      (c, a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        let x: string;
        let y: string;
        try {
          x = secretId(c, a).id;
          y = secretId(c, b).id;
        } catch {
          return; // an empty part: covered by the property above
        }
        assert.notEqual(x, y);
      },
    ),
    { numRuns: RUNS },
  );
});

test('long ids never collide: distinct ids whose names are hashed get distinct names', () => {
  const long = fc.tuple(
    fc.integer({ min: 240, max: 300 }),
    fc.string({ minLength: 1, maxLength: 6 }),
    fc.string({ maxLength: 6 }),
  );
  let hashed = 0;
  fc.assert(
    fc.property(long, long, ([n1, t1, u1], [n2, t2, u2]) => {
      // Both share a long cleaned head, so only the hash can tell them apart.
      const a = ['service', `${'a'.repeat(n1)}${t1}`, u1 || 'x'];
      const b = ['service', `${'a'.repeat(n2)}${t2}`, u2 || 'x'];
      fc.pre(JSON.stringify(a) !== JSON.stringify(b));
      const c = { prefix: '', clusterName: 'openmetadata' };
      let x: ReturnType<typeof secretId>;
      let y: ReturnType<typeof secretId>;
      try {
        x = secretId(c, a);
        y = secretId(c, b);
      } catch {
        return;
      }
      if (x.name.length === 253 || y.name.length === 253) hashed++;
      assert.notEqual(x.id, y.id);
      assert.notEqual(x.name, y.name, 'two distinct long ids share a Secret name');
    }),
    { numRuns: RUNS },
  );
  assert.ok(hashed > 0, 'no hashed names generated');
});

test('sanitizeName is idempotent and childSecretName always gives a valid name', () => {
  fc.assert(
    fc.property(part, part, (a, b) => {
      let once: string;
      try {
        once = sanitizeName(a);
      } catch (err) {
        assert.equal((err as OmsmError).code, 'OMSM_ERR_NAME_EMPTY');
        assert.equal(clean(a), '');
        return;
      }
      assert.equal(sanitizeName(once), once);
      assert.equal(once, clean(a));
      try {
        const child = childSecretName(once, b);
        assert.ok(isDns1123Subdomain(child), `invalid child ${JSON.stringify(child.slice(0, 80))}`);
      } catch (err) {
        assert.equal((err as OmsmError).code, 'OMSM_ERR_NAME_EMPTY');
      }
    }),
    { numRuns: RUNS },
  );
});
