/**
 * @module emulator/wire/selectors
 * Label and field selectors as kube-apiserver parses them. STUB: equality-based only.
 */
import { Statuses } from '../status.js';

export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

/** @throws StatusError 400 on a syntax error or invalid label value. */
export function parseLabelSelector(selector: string): LabelMatcher {
  const reqs = selector
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((r) => {
      const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(r);
      if (!m) throw Statuses.badRequest(`unable to parse requirement: ${r}`);
      return { key: m[1]!, op: m[2]!, value: m[3]! };
    });
  return (labels) =>
    reqs.every((q) => (q.op === '!=' ? labels?.[q.key] !== q.value : labels?.[q.key] === q.value));
}

export interface FieldSelector {
  matches(object: Record<string, unknown>): boolean;
  /** Set when the selector pins `metadata.name` (RBAC uses it as the request's name). */
  readonly name?: string;
}

/**
 * @param fields the selectable fields of the resource and how to read each from an object.
 * @throws StatusError 400 `field label not supported: <label>`.
 */
export function parseFieldSelector(
  selector: string,
  fields: Readonly<Record<string, (o: Record<string, unknown>) => string>>,
): FieldSelector {
  const reqs = selector
    .split(',')
    .filter(Boolean)
    .map((r) => {
      const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(r);
      if (!m) throw Statuses.badRequest(`invalid field selector: ${r}`);
      const get = fields[m[1]!];
      if (!get) throw Statuses.badRequest(`field label not supported: ${m[1]}`);
      return { field: m[1]!, get, neg: m[2] === '!=', value: m[3]! };
    });
  const name = reqs.find((q) => q.field === 'metadata.name' && !q.neg)?.value;
  return { name, matches: (o) => reqs.every((q) => (q.get(o) === q.value) !== q.neg) };
}
