import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../status.js';
import { parseFieldSelector, parseLabelSelector, SECRET_SELECTABLE_FIELDS } from './selectors.js';

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, `expected StatusError, got ${e}`);
    assert.equal(e.code, 400);
    assert.equal(e.status.reason, 'BadRequest');
    return e.status.message!;
  }
  assert.fail('expected a 400');
}

describe('parseLabelSelector matching', () => {
  const cases: { desc: string; sel: string; labels?: Record<string, string>; want: boolean }[] = [
    { desc: 'empty matches all', sel: '', labels: undefined, want: true },
    { desc: 'equals', sel: 'app=x', labels: { app: 'x' }, want: true },
    { desc: 'double equals', sel: 'app==x', labels: { app: 'x' }, want: true },
    { desc: 'equals mismatch', sel: 'app=x', labels: { app: 'y' }, want: false },
    { desc: 'equals missing key', sel: 'app=x', labels: {}, want: false },
    { desc: 'not equals missing key matches', sel: 'app!=x', labels: {}, want: true },
    { desc: 'not equals other value', sel: 'app!=x', labels: { app: 'y' }, want: true },
    { desc: 'not equals same value', sel: 'app!=x', labels: { app: 'x' }, want: false },
    { desc: 'in', sel: 'env in (dev, prod)', labels: { env: 'prod' }, want: true },
    { desc: 'in miss', sel: 'env in (dev,prod)', labels: { env: 'qa' }, want: false },
    { desc: 'notin missing key matches', sel: 'env notin (dev)', labels: {}, want: true },
    { desc: 'notin hit', sel: 'env notin (dev)', labels: { env: 'dev' }, want: false },
    { desc: 'exists', sel: 'env', labels: { env: '' }, want: true },
    { desc: 'not exists', sel: '!env', labels: { env: 'a' }, want: false },
    { desc: 'not exists missing', sel: '!env', labels: {}, want: true },
    { desc: 'gt', sel: 'n>3', labels: { n: '4' }, want: true },
    { desc: 'gt equal', sel: 'n>3', labels: { n: '3' }, want: false },
    { desc: 'lt', sel: 'n<3', labels: { n: '-1' }, want: true },
    { desc: 'gt non-int label', sel: 'n>3', labels: { n: 'x' }, want: false },
    { desc: 'comma is AND', sel: 'a=1,b=2', labels: { a: '1', b: '3' }, want: false },
    { desc: 'comma AND all', sel: 'a=1, b=2', labels: { a: '1', b: '2' }, want: true },
    { desc: 'empty value', sel: 'a=', labels: { a: '' }, want: true },
    { desc: 'prefixed key', sel: 'omsm.io/kind=db', labels: { 'omsm.io/kind': 'db' }, want: true },
    { desc: 'in as value', sel: 'x in (in,notin)', labels: { x: 'notin' }, want: true },
    { desc: 'empty set matches empty value', sel: 'x in ()', labels: { x: '' }, want: true },
  ];
  for (const c of cases) {
    it(c.desc, () => assert.equal(parseLabelSelector(c.sel)(c.labels), c.want));
  }
});

describe('parseLabelSelector errors (apimachinery parser wording)', () => {
  const cases: { desc: string; sel: string; want: string }[] = [
    { desc: 'dangling comma', sel: 'a=b,', want: "found '', expected: identifier after ','" },
    { desc: 'missing key', sel: '=b', want: "found '=', expected: !, identifier, or 'end of string'" },
    {
      desc: 'bad operator word',
      sel: 'a not in (x)',
      want: "unable to parse requirement: found 'not', expected: in, notin, =, ==, !=, gt, lt",
    },
    {
      desc: 'in without parens',
      sel: 'a in x',
      want: "unable to parse requirement: found 'x' expected: '('",
    },
    { desc: 'two values', sel: 'a=b c', want: "found 'c', expected: ',' or 'end of string'" },
    { desc: 'not-exists with operator', sel: '!a=b', want: "found '=', expected: ',' or 'end of string'" },
    {
      desc: 'gt needs integer',
      sel: 'a>b',
      want: `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`,
    },
  ];
  for (const c of cases) {
    it(c.desc, () =>
      assert.equal(
        badRequest(() => parseLabelSelector(c.sel)),
        c.want,
      ),
    );
  }
  it('invalid label value carries the label-value message and key path', () => {
    const m = badRequest(() => parseLabelSelector('app=a@b'));
    assert.match(
      m,
      /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "a@b": a valid label must be/,
    );
  });
  it('invalid key carries the qualified-name message', () => {
    const m = badRequest(() => parseLabelSelector('a/b/c=x'));
    assert.match(
      m,
      /^unable to parse requirement: : Invalid value: "a\/b\/c": a qualified name must consist of/,
    );
  });
});

describe('parseFieldSelector', () => {
  const secret = { metadata: { name: 's1', namespace: 'ns' }, type: 'Opaque' };
  const cases: { desc: string; sel: string; want: boolean; name?: string }[] = [
    { desc: 'name equals', sel: 'metadata.name=s1', want: true, name: 's1' },
    { desc: 'name double equals', sel: 'metadata.name==s1', want: true, name: 's1' },
    { desc: 'name not equals', sel: 'metadata.name!=s1', want: false },
    { desc: 'namespace and type', sel: 'metadata.namespace=ns,type=Opaque', want: true },
    { desc: 'type mismatch', sel: 'type=kubernetes.io/tls', want: false },
    { desc: 'empty', sel: '', want: true },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const f = parseFieldSelector(c.sel, SECRET_SELECTABLE_FIELDS);
      assert.equal(f.matches(secret), c.want);
      assert.equal(f.name, c.name);
    });
  }
  it('unsupported label → 400 field label not supported', () => {
    assert.equal(
      badRequest(() => parseFieldSelector('data.k=v', SECRET_SELECTABLE_FIELDS)),
      'field label not supported: data.k',
    );
  });
  it('set-based operators are not field selector syntax', () => {
    assert.equal(
      badRequest(() => parseFieldSelector('type in (x)', SECRET_SELECTABLE_FIELDS)),
      "invalid selector: 'type in (x)'; can't understand 'type in (x)'",
    );
  });
  it('escaped comma in a value', () => {
    const f = parseFieldSelector('metadata.name=a\\,b', SECRET_SELECTABLE_FIELDS);
    assert.equal(f.matches({ metadata: { name: 'a,b' } }), true);
  });
});
