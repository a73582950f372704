/**
 * @module ingestion/workflow-file
 *
 * Reading a workflow config file (YAML, or JSON) and writing it back with references replaced.
 *
 * - YAML keeps everything but the references: yaml-splice.ts replaces just those scalars in the
 *   original text (every other byte stays), and where it cannot prove that right (anchors,
 *   directives, unusual quoting) the document model of the `yaml` library edits the document,
 *   keeping comments, key order and anchors. Each replaced value is written double-quoted:
 *   unambiguous for YAML 1.2 and for PyYAML's YAML 1.1 alike (a password `yes`, `0777` or `12:30`
 *   written plain would come back to Python as a bool or a number).
 * - JSON in gives JSON out (2-space indent).
 * - Parse errors report the line and column only: the YAML library's message quotes the source,
 *   and a db-mode workflow holds plain passwords.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Document } from 'yaml';
import { omsmError } from '../core/errors.js';
import { isResolvable, replaceReferences, type ScanResult, scanReferences } from './references.js';
import { parseForSplice } from './yaml-splice.js';

/**
 * The `yaml` library, loaded on first use: most workflows never need it (yaml-splice.ts handles
 * them), and `omsm ingestion resolve` starts measurably faster without it.
 */
const yamlLibrary = (): typeof import('yaml') => createRequire(import.meta.url)('yaml');

export interface WorkflowFile {
  readonly fileName: string;
  readonly format: 'yaml' | 'json';
  /** The config as plain data. */
  readonly data: unknown;
  /** References and Fernet tokens found in it. */
  readonly scan: ScanResult;
  /** The file's text with each reference replaced by its value from `values`. */
  render(values: ReadonlyMap<string, string>): string;
}

/**
 * Parses workflow config text.
 * @throws OmsmError OMSM_ERR_CONFIG_FILE with the position of a syntax error (never the text).
 */
export function parseWorkflow(text: string, fileName: string): WorkflowFile {
  const json = tryJson(text);
  if (json.ok) {
    return {
      fileName,
      format: 'json',
      data: json.value,
      scan: scanReferences(json.value),
      render: (values) => `${JSON.stringify(replaceReferences(json.value, values), null, 2)}\n`,
    };
  }
  const spliced = parseForSplice(text);
  const doc = spliced ? undefined : parseYamlDocument(text, fileName);
  const data: unknown = spliced ? spliced.data : doc?.toJS({ maxAliasCount: 1000 });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw omsmError(
      'OMSM_ERR_CONFIG_FILE',
      `${fileName}: a workflow config is a mapping (source, sink, workflowConfig...)`,
      {
        path: fileName,
      },
    );
  }
  return {
    fileName,
    format: 'yaml',
    data,
    scan: scanReferences(data),
    render: (values) =>
      spliced?.render(values) ?? renderYaml(doc ?? parseYamlDocument(text, fileName), values),
  };
}

/**
 * The document model of `text`.
 * @throws OmsmError OMSM_ERR_CONFIG_FILE with the position of a syntax error (never the text).
 */
function parseYamlDocument(text: string, fileName: string): Document {
  const doc = yamlLibrary().parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const before = text.slice(0, err.pos[0]);
    const line = before.split('\n').length;
    const at = `line ${line}, column ${err.pos[0] - before.lastIndexOf('\n')}`;
    throw omsmError('OMSM_ERR_CONFIG_FILE', `${fileName}: not valid YAML or JSON (${err.code} at ${at})`, {
      path: fileName,
    });
  }
  return doc;
}

/**
 * Reads and parses a workflow config file.
 * @throws OmsmError OMSM_ERR_CONFIG_FILE when it cannot be read or parsed.
 */
export function readWorkflowFile(path: string): WorkflowFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw omsmError(
      'OMSM_ERR_CONFIG_FILE',
      `cannot read the workflow config ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { path },
    );
  }
  return parseWorkflow(text, path);
}

function renderYaml(original: Document, values: ReadonlyMap<string, string>): string {
  const { isScalar, visit } = yamlLibrary();
  const doc = original.clone();
  visit(doc, {
    Scalar(key, node) {
      // Mapping keys are names, never references.
      if (key === 'key' || !isScalar(node) || !isResolvable(node.value)) return;
      const v = values.get(node.value);
      if (v === undefined) return;
      node.value = v;
      node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 });
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const t = text.trimStart();
  if (!t.startsWith('{')) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
