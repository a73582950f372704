/**
 * The error catalogue and docs/errors.md agree: every code has a row with a non-empty fix, every
 * row names a code, kinds and statuses match, and codes follow OMSM_ERR_<AREA>_<PROBLEM>.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS, isConflict, isNotFound, omsmError, validationError } from './errors.js';

const DOC = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

interface Row {
  code: string;
  cells: string[];
}

function rows(): Row[] {
  return DOC.split('\n')
    .filter((l) => /^\|\s*`OMSM_ERR_/.test(l))
    .map((l) => {
      const cells = l
        .replace(/^\|/, '')
        .replace(/\|\s*$/, '')
        .split(/(?<!\\)\|/)
        .map((c) => c.trim());
      return { code: cells[0]!.replace(/`/g, ''), cells };
    });
}

test('every catalogue code has a docs row with a non-empty fix', () => {
  const documented = new Map(rows().map((r) => [r.code, r]));
  for (const code of Object.keys(ERRORS)) {
    const row = documented.get(code);
    assert.ok(row, `${code} has no row in docs/errors.md`);
    assert.ok(row.cells.length >= 3, `${code}: row needs code | when | how to fix`);
    assert.ok(row.cells[row.cells.length - 1]!.length > 0, `${code}: empty "how to fix"`);
  }
});

test('every docs row names a catalogue code, once', () => {
  const codes = rows().map((r) => r.code);
  assert.ok(codes.length > 0, 'the table was not found');
  for (const code of codes) assert.ok(code in ERRORS, `docs/errors.md lists unknown code ${code}`);
  assert.equal(new Set(codes).size, codes.length, 'a code is listed twice');
});

test('the kind column, when present, matches the catalogue', () => {
  for (const row of rows()) {
    if (row.cells.length < 4) continue;
    const spec = ERRORS[row.code as keyof typeof ERRORS];
    assert.ok(row.cells[1]!.startsWith(spec.kind), `${row.code}: kind ${row.cells[1]} vs ${spec.kind}`);
  }
});

test('codes are OMSM_ERR_<AREA>_<PROBLEM> (or a bare OMSM_ERR_<AREA> for USAGE/INTERNAL)', () => {
  for (const [code, spec] of Object.entries(ERRORS)) {
    assert.match(code, /^OMSM_ERR_[A-Z0-9]+(_[A-Z0-9]+)*$/, code);
    if (code !== 'OMSM_ERR_USAGE' && code !== 'OMSM_ERR_INTERNAL')
      assert.match(code, /^OMSM_ERR_[A-Z0-9]+_[A-Z0-9_]+$/);
    assert.ok(spec.fix.length > 0);
    assert.ok(spec.exit === 1 || spec.exit === 2);
    if (spec.kind === 'invalid') assert.equal(spec.status, 400, `${code}: invalid should be 400`);
  }
});

test('predicates see through cause; validation errors carry their issues', () => {
  const inner = omsmError('OMSM_ERR_SECRET_NOT_FOUND', 'x');
  const outer = new Error('wrapped', { cause: inner });
  assert.equal(isNotFound(outer), true);
  assert.equal(isConflict(outer), false);
  assert.equal(isNotFound(undefined), false);
  const v = validationError('OMSM_ERR_CONFIG_INVALID', [
    { path: 'a.b', code: 'c', message: 'bad', fix: 'f' },
    { path: 'c', code: 'c', message: 'worse' },
  ]);
  assert.equal(v.details.issues?.length, 2);
  assert.match(v.message, /a\.b: bad/);
  assert.equal(JSON.stringify(v.toJSON()).includes('cause'), false);
});
