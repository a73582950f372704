/**
 * @module ingestion/yaml-splice
 *
 * The quick way through a YAML workflow file: parse it with js-yaml (the parser client-node
 * already brings; loading it and parsing a large workflow take a fraction of what the `yaml`
 * document model needs, docs/benchmarks.md "Cold start") and render by replacing, in the original
 * text, exactly the scalars that were references. Every other byte (comments, spacing, quoting,
 * key order) stays as written.
 *
 * It declines (returns `undefined`) whenever it cannot be sure, and workflow-file.ts then uses the
 * document model as before:
 * - the text has anchors (`&`: aliases make a document a graph, and the document model's alias
 *   limit guards against expansion bombs) or `%` directives (a `%YAML 1.1` header changes the
 *   schema);
 * - js-yaml refuses the text (the document model then reports the error, by position only);
 * - a reference's source is not the plain or quoted text of its value (escapes, line folding);
 * - the rendered text, parsed again, is not exactly the input's data with the references
 *   replaced (a reference used as a key, say). This check makes the splice safe by construction.
 *
 * Replaced values are written double-quoted, with the escapes that keep them one string for both
 * YAML 1.2 and PyYAML's YAML 1.1 (whose line breaks include U+0085, U+2028 and U+2029).
 */
import { isDeepStrictEqual } from 'node:util';
import { CORE_SCHEMA, load } from 'js-yaml';
import { isResolvable, replaceReferences } from './references.js';

/** One reference in the text: `[start, end)` is its scalar token, quotes included. */
interface Span {
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

export interface SplicedYaml {
  /** The document as plain data (YAML 1.2 core schema, as the document model reads it). */
  readonly data: unknown;
  /** The text with each reference in `values` replaced, or `undefined` when that cannot be proven right. */
  render(values: ReadonlyMap<string, string>): string | undefined;
}

/** js-yaml's parser state as its `listener` option sees it (not in its published types). */
interface ListenerState {
  readonly kind: string | null;
  readonly result: unknown;
  readonly position: number;
}

/** Parses `text` for splicing, or `undefined` when the document model must handle it. */
export function parseForSplice(text: string): SplicedYaml | undefined {
  if (text.includes('&') || /^%/m.test(text)) return undefined;
  const spans: Span[] = [];
  let exact = true;
  let data: unknown;
  try {
    data = load(text, {
      schema: CORE_SCHEMA,
      listener(event, state: ListenerState) {
        if (event !== 'close' || state.kind !== 'scalar' || !isResolvable(state.result)) return;
        const span = scalarSpan(text, state.position, state.result);
        // A tagged scalar closes twice (its property and its node): one span.
        if (span && span.start === spans.at(-1)?.start) return;
        if (span) spans.push(span);
        else exact = false;
      },
    } as Parameters<typeof load>[1]);
  } catch {
    return undefined;
  }
  if (!exact) return undefined;
  return {
    data,
    render(values) {
      let out = '';
      let at = 0;
      for (const s of spans) {
        const v = values.get(s.value);
        if (v === undefined) continue;
        out += text.slice(at, s.start) + doubleQuoted(v);
        at = s.end;
      }
      out += text.slice(at);
      let reread: unknown;
      try {
        reread = load(out, { schema: CORE_SCHEMA });
      } catch {
        return undefined;
      }
      return isDeepStrictEqual(reread, replaceReferences(data, values)) ? out : undefined;
    },
  };
}

/**
 * Where the scalar `value` that ends at `position` starts (js-yaml reports the end, past any
 * trailing blanks of a plain scalar). Only tokens that are the value's exact text qualify.
 */
function scalarSpan(text: string, position: number, value: string): Span | undefined {
  let end = position;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  const quote = text[end - 1];
  const raw = quote === '"' || quote === "'" ? `${quote}${value}${quote}` : value;
  const start = end - raw.length;
  return start >= 0 && text.slice(start, end) === raw ? { start, end, value } : undefined;
}

/**
 * `value` as a YAML double-quoted scalar: JSON's escapes (all valid in YAML), plus `\u` escapes
 * for what YAML does not allow raw (DEL, C1 controls, U+FFFE/U+FFFF), for YAML 1.1's extra line
 * breaks and for the byte-order mark, which readers may drop.
 */
export function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
