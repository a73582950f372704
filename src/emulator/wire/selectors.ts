/**
 * @module emulator/wire/selectors
 *
 * Label and field selectors as kube-apiserver v1.32 parses them. The label parser is a port of
 * apimachinery `pkg/labels/selector.go` (lexer + recursive descent) so syntax errors carry the same
 * words (`unable to parse requirement: found '', expected: identifier`); field selectors follow
 * `pkg/fields/selector.go` (only `=`, `==`, `!=`; `\` escapes) and the resource's selectable fields.
 */
import { Statuses } from '../status.js';
import { isQualifiedName, isValidLabelValue } from './names.js';

export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

type Op = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';
interface Requirement {
  readonly key: string;
  readonly op: Op;
  readonly values: readonly string[];
}

// Token kinds of the upstream lexer.
type Tok = 'err' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';
const KEYWORDS: Record<string, Tok> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
};
const isSpecial = (c: string): boolean => '=!(),><'.includes(c);
const isWs = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function lex(s: string): { tok: Tok; lit: string }[] {
  const out: { tok: Tok; lit: string }[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWs(s[pos]!)) pos++;
    if (pos >= s.length) {
      out.push({ tok: 'eos', lit: '' });
      return out;
    }
    if (isSpecial(s[pos]!)) {
      // Longest special-symbol match, as scanSpecialSymbol does.
      let buf = '';
      let last: { tok: Tok; lit: string } | undefined;
      while (pos < s.length && isSpecial(s[pos]!)) {
        buf += s[pos];
        const t = KEYWORDS[buf];
        if (t) {
          last = { tok: t, lit: buf };
          pos++;
        } else if (last) {
          break;
        } else {
          pos++;
        }
      }
      out.push(last ?? { tok: 'err', lit: `error expected: keyword found '${buf}'` });
      continue;
    }
    let buf = '';
    while (pos < s.length && !isSpecial(s[pos]!) && !isWs(s[pos]!)) buf += s[pos++];
    const kw = KEYWORDS[buf];
    out.push({ tok: kw ?? 'id', lit: buf });
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly items: { tok: Tok; lit: string }[]) {}

  private look(values: boolean): { tok: Tok; lit: string } {
    const it = this.items[this.pos]!;
    return values && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'id', lit: it.lit } : it;
  }
  private next(values: boolean): { tok: Tok; lit: string } {
    const it = this.look(values);
    this.pos++;
    return it;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.look(true);
      if (tok === 'id' || tok === '!') {
        reqs.push(this.requirement());
        const t = this.next(true);
        if (t.tok === 'eos') return reqs;
        if (t.tok === ',') {
          const t2 = this.look(true);
          if (t2.tok !== 'id' && t2.tok !== '!') {
            throw new Error(`found '${t2.lit}', expected: identifier after ','`);
          }
          continue;
        }
        throw new Error(`found '${t.lit}', expected: ',' or 'end of string'`);
      }
      if (tok === 'eos') return reqs;
      throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
  }

  private requirement(): Requirement {
    try {
      return this.requirementInner();
    } catch (e) {
      throw new Error(`unable to parse requirement: ${(e as Error).message}`);
    }
  }

  private requirementInner(): Requirement {
    let op: Op | undefined;
    let t = this.next(true);
    if (t.tok === '!') {
      op = '!';
      t = this.next(true);
    }
    if (t.tok !== 'id') throw new Error(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length > 0) throw new Error(`: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
    const la = this.look(true).tok;
    // `!key` is complete on its own; whatever follows is checked by the caller (`!a=b` fails there).
    if (op === '!' || la === 'eos' || la === ',') return newRequirement(key, op ?? 'exists', []);
    const o = this.next(false);
    const opMap: Partial<Record<Tok, Op>> = {
      in: 'in',
      '=': '=',
      '==': '==',
      '>': 'gt',
      '<': 'lt',
      notin: 'notin',
      '!=': '!=',
    };
    const bin = opMap[o.tok];
    if (!bin) throw new Error(`found '${o.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    const values = bin === 'in' || bin === 'notin' ? this.setValues() : this.exactValue();
    return newRequirement(key, bin, [...new Set(values)].sort());
  }

  private setValues(): string[] {
    const open = this.next(true);
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.look(true);
    if (tok === ')') {
      this.next(true);
      return [''];
    }
    if (tok !== 'id' && tok !== ',') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const s = new Set<string>();
    for (;;) {
      const t = this.next(true);
      if (t.tok === 'id') {
        s.add(t.lit);
        const t2 = this.look(true);
        if (t2.tok === ',') continue;
        if (t2.tok === ')') break;
        throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
      }
      if (t.tok === ',') {
        if (s.size === 0) s.add('');
        const t2 = this.look(true);
        if (t2.tok === ')') {
          s.add('');
          break;
        }
        if (t2.tok === ',') {
          this.next(true);
          s.add('');
        }
        continue;
      }
      throw new Error(`found '${t.lit}', expected: ',', or identifier`);
    }
    const close = this.next(true);
    if (close.tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
    return [...s];
  }

  private exactValue(): string[] {
    const la = this.look(true).tok;
    if (la === 'eos' || la === ',') return [''];
    const t = this.next(true);
    if (t.tok === 'id') return [t.lit];
    throw new Error(`found '${t.lit}', expected: identifier`);
  }
}

/** NewRequirement's checks (values) with the aggregated field-error text. */
function newRequirement(key: string, op: Op, values: string[]): Requirement {
  const errs: string[] = [];
  if ((op === 'gt' || op === 'lt') && values.length === 1 && !/^[+-]?\d+$/.test(values[0]!)) {
    errs.push(
      `values[0]: Invalid value: ${JSON.stringify(values[0])}: for 'Gt', 'Lt' operators, the value must be an integer`,
    );
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0)
      errs.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${msgs.join('; ')}`);
  });
  if (errs.length === 1) throw new Error(errs[0]);
  if (errs.length > 1) throw new Error(`[${errs.join(', ')}]`);
  return { key, op, values };
}

function matches(r: Requirement, labels: Readonly<Record<string, string>> | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const v = has ? labels![r.key]! : undefined;
  switch (r.op) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(v!);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(v!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?\d+$/.test(v!)) return false;
      const a = BigInt(v!);
      const b = BigInt(r.values[0]!);
      return r.op === 'gt' ? a > b : a < b;
    }
  }
}

/**
 * Parses a `labelSelector` query value. An empty selector matches everything.
 * @throws StatusError 400 BadRequest on a syntax error or an invalid key/value, with the parser's
 *   message (e.g. `unable to parse requirement: found '', expected: identifier`).
 * @example parseLabelSelector('app=x,tier notin (db)')({ app: 'x' }) // true
 */
export function parseLabelSelector(selector: string): LabelMatcher {
  let reqs: Requirement[];
  try {
    reqs = new Parser(lex(selector)).parse();
  } catch (e) {
    throw Statuses.badRequest((e as Error).message);
  }
  return (labels) => reqs.every((r) => matches(r, labels));
}

export interface FieldSelector {
  matches(object: Record<string, unknown>): boolean;
  /** Set when the selector pins `metadata.name` (RBAC uses it as the request's name). */
  readonly name?: string;
}

/** Splits on unescaped `sep` (fields.splitTerms / splitTerm honour `\` escapes). */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unescapeValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\') {
      const n = v[i + 1];
      if (n === undefined) throw new Error(`invalid trailing escape sequence: ${JSON.stringify(v)}`);
      if (n !== '\\' && n !== ',' && n !== '=')
        throw new Error(`invalid escape sequence: ${JSON.stringify(v)}`);
      out += n;
      i++;
    } else if (c === ',' || c === '=') {
      throw new Error(
        `invalid selector: ${JSON.stringify(v)}; values with unescaped commas, equals should be escaped`,
      );
    } else out += c;
  }
  return out;
}

/** Finds the first of `!=`, `==`, `=` outside escapes, as fields.splitTerm does. */
function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    const c = term[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/**
 * Parses a `fieldSelector` query value against the resource's selectable fields.
 * @param fields the selectable fields of the resource and how to read each from an object.
 * @throws StatusError 400 `field label not supported: <label>` for an unknown field, or the
 *   fields parser's message (`invalid selector: 'x'; can't understand 'x'`) for bad syntax.
 */
export function parseFieldSelector(
  selector: string,
  fields: Readonly<Record<string, (o: Record<string, unknown>) => string>>,
): FieldSelector {
  const reqs: { field: string; get: (o: Record<string, unknown>) => string; neg: boolean; value: string }[] =
    [];
  if (selector.trim() !== '') {
    for (const term of splitUnescaped(selector, ',')) {
      if (term === '') continue;
      const parts = splitTerm(term);
      if (!parts) throw Statuses.badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
      const [label, op, raw] = parts;
      let value: string;
      try {
        value = unescapeValue(raw);
      } catch (e) {
        throw Statuses.badRequest((e as Error).message);
      }
      const get = Object.hasOwn(fields, label) ? fields[label] : undefined;
      if (!get) throw Statuses.badRequest(`field label not supported: ${label}`);
      reqs.push({ field: label, get, neg: op === '!=', value });
    }
  }
  const name = reqs.find((q) => q.field === 'metadata.name' && !q.neg)?.value;
  return { name, matches: (o) => reqs.every((q) => (q.get(o) === q.value) !== q.neg) };
}

/** The selectable fields every resource has (`metadata.name`, `metadata.namespace`). */
export const DEFAULT_SELECTABLE_FIELDS: Readonly<Record<string, (o: Record<string, unknown>) => string>> = {
  'metadata.name': (o) => String((o.metadata as { name?: string } | undefined)?.name ?? ''),
  'metadata.namespace': (o) => String((o.metadata as { namespace?: string } | undefined)?.namespace ?? ''),
};

/** Secrets add `type` (kubernetes `pkg/registry/core/secret/strategy.go` SelectableFields). */
export const SECRET_SELECTABLE_FIELDS: Readonly<Record<string, (o: Record<string, unknown>) => string>> = {
  ...DEFAULT_SELECTABLE_FIELDS,
  type: (o) => String(o.type ?? ''),
};
