/**
 * @module ingestion/config-parser
 *
 * A reader for `airflow.cfg` that follows Python's `configparser.ConfigParser` (3.11 `_read`), the
 * parser Airflow itself uses, so a file Airflow accepts means the same thing here:
 *
 * - `key = value` and `key: value` (the first `=` or `:` wins); key and value are stripped; keys are
 *   lowercased (`optionxform`), section names are case-sensitive.
 * - Full-line comments start with `#` or `;` (after leading blanks). There are no inline comments:
 *   `a = b # c` has the value `b # c`, as in Airflow.
 * - A line indented deeper than its option's first line continues the value (joined with `\n`);
 *   blank lines inside a value are kept, trailing ones dropped.
 * - `[DEFAULT]` holds fallbacks for every section.
 * - Strict mode: a repeated section or a repeated key in one section is an error, as is a key before
 *   any section header or a line that is neither.
 * - BasicInterpolation on read: `%%` is `%`, `%(key)s` is another key of the same section (or
 *   DEFAULT), up to 10 levels; a lone `%` is an error (Airflow refuses the file the same way).
 *
 * test/ingestion-loaders.test.ts compares this parser with `/usr/bin/python3`'s configparser.
 */
import { omsmError } from '../core/errors.js';

export const DEFAULT_SECTION = 'DEFAULT';

/**
 * Python's whitespace (`str.isspace`, `str.strip`, `re`'s `\s`): JavaScript's set plus U+001C..U+001F
 * and U+0085, minus U+FEFF. Using JavaScript's `trim` would keep or drop different characters.
 */
const PY_WS =
  '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const STRIP = new RegExp(`^${PY_WS}+|${PY_WS}+$`, 'g');
const STRIP_END = new RegExp(`${PY_WS}+$`);
const NON_SPACE = new RegExp(`[^${PY_WS.slice(1, -1)}]`);
const OPTION = new RegExp(`^(.*?)${PY_WS}*[=:]${PY_WS}*(.*)$`, 's');

function pyStrip(s: string): string {
  return s.replace(STRIP, '');
}
const MAX_INTERPOLATION_DEPTH = 10;

/** A parsed file: sections of lowercased keys to raw (uninterpolated) values. */
export interface IniFile {
  readonly fileName: string;
  readonly defaults: ReadonlyMap<string, string>;
  readonly sections: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/**
 * Parses INI text with configparser's rules.
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG naming the file and line(s) for a syntax error.
 * @example parseIni('[a]\nKey: v\n', 'airflow.cfg').sections.get('a')?.get('key') === 'v'
 */
export function parseIni(text: string, fileName: string): IniFile {
  const sections = new Map<string, Map<string, string[]>>();
  const defaults = new Map<string, string[]>();
  const added = new Set<string>();
  const bad: number[] = [];
  let cursect: Map<string, string[]> | undefined;
  let sectname = '';
  let optname: string | undefined;
  let indentLevel = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();

  lines.forEach((line, i) => {
    const lineno = i + 1;
    const trimmed = pyStrip(line);
    const isComment = trimmed.startsWith('#') || trimmed.startsWith(';');
    if (trimmed === '' || isComment) {
      // A blank line (not a comment) inside a value is part of it; trailing ones are cut at the end.
      if (!isComment && cursect && optname !== undefined) cursect.get(optname)!.push('');
      return;
    }
    const indent = line.search(NON_SPACE);
    if (cursect && optname !== undefined && indent > indentLevel) {
      cursect.get(optname)!.push(trimmed);
      return;
    }
    indentLevel = indent;
    const header = /^\[([^\n]+)\]/.exec(trimmed);
    if (header) {
      sectname = header[1]!;
      if (sectname === DEFAULT_SECTION) {
        cursect = defaults;
      } else {
        if (added.has(`s:${sectname}`)) fail(fileName, lineno, `section [${sectname}] appears twice`);
        added.add(`s:${sectname}`);
        cursect = sections.get(sectname) ?? new Map();
        sections.set(sectname, cursect);
      }
      optname = undefined;
      return;
    }
    if (!cursect) fail(fileName, lineno, 'a key appears before any [section] header');
    const opt = OPTION.exec(trimmed);
    if (!opt || opt[1] === '') {
      bad.push(lineno);
      return;
    }
    optname = opt[1]!.replace(STRIP_END, '').toLowerCase();
    const id = `o:${sectname}\u0000${optname}`;
    if (added.has(id)) fail(fileName, lineno, `key "${optname}" appears twice in [${sectname}]`);
    added.add(id);
    cursect.set(optname, [pyStrip(opt[2]!)]);
  });

  if (bad.length > 0) {
    const which = bad.length > 1 ? `lines ${bad.join(', ')} are` : `line ${bad[0]} is`;
    fail(fileName, bad[0]!, `${which} neither a [section], a comment nor "key = value"`);
  }
  const join = (m: Map<string, string[]>) =>
    new Map([...m].map(([k, v]) => [k, v.join('\n').replace(STRIP_END, '')] as const));
  return {
    fileName,
    defaults: join(defaults),
    sections: new Map([...sections].map(([name, opts]) => [name, join(opts)] as const)),
  };
}

/**
 * The interpolated value of `key` in `section` (falling back to `[DEFAULT]`), or undefined.
 * `key` is lowercased as configparser does.
 * @throws OmsmError OMSM_ERR_LOADER_CONFIG on a bad `%` or a reference to a missing key.
 */
export function iniGet(file: IniFile, section: string, key: string): string | undefined {
  const lookup = (k: string): string | undefined =>
    file.sections.get(section)?.get(k) ?? file.defaults.get(k);
  const raw = lookup(key.toLowerCase());
  if (raw === undefined) return undefined;
  return interpolate(raw, lookup, file.fileName, section, key.toLowerCase(), 1);
}

/** True when the file has the section (exact case, as configparser). */
export function iniHasSection(file: IniFile, section: string): boolean {
  return file.sections.has(section);
}

function interpolate(
  value: string,
  lookup: (k: string) => string | undefined,
  fileName: string,
  section: string,
  key: string,
  depth: number,
): string {
  if (depth > MAX_INTERPOLATION_DEPTH) {
    fail(fileName, 0, `[${section}] ${key}: %(...)s references nest deeper than ${MAX_INTERPOLATION_DEPTH}`);
  }
  let out = '';
  let rest = value;
  for (;;) {
    const p = rest.indexOf('%');
    if (p < 0) return out + rest;
    out += rest.slice(0, p);
    rest = rest.slice(p);
    if (rest.startsWith('%%')) {
      out += '%';
      rest = rest.slice(2);
      continue;
    }
    const m = /^%\(([^)]+)\)s/.exec(rest);
    if (!m) fail(fileName, 0, `[${section}] ${key}: a "%" must be written "%%" or start "%(name)s"`);
    const ref = m[1]!.toLowerCase();
    const target = lookup(ref);
    if (target === undefined)
      fail(fileName, 0, `[${section}] ${key}: %(${ref})s names no key of the section`);
    out += target.includes('%') ? interpolate(target, lookup, fileName, section, ref, depth + 1) : target;
    rest = rest.slice(m[0].length);
  }
}

function fail(fileName: string, line: number, what: string): never {
  throw omsmError('OMSM_ERR_LOADER_CONFIG', `${fileName}${line > 0 ? `:${line}` : ''}: ${what}`, {
    path: fileName,
  });
}
