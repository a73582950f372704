/**
 * @module domain/config-validator
 *
 * Checks a connection config against its JSON Schema from the registry (ajv, `format: password`
 * registered) before anything is written: an unknown type, an unknown field, a wrong type or an
 * oversize value is a 400 (OMSM_ERR_API_INVALID) whose issues name the field by its dotted path in
 * the request body. Messages never quote the offending value.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { type ValidationIssue, validationError } from '../core/errors.js';
import type { JsonObject, JsonValue } from '../core/secrets/secrets-manager-types.js';
import type { SchemaRegistry } from '../core/schema/schema-registry.js';

/** Longest string accepted in a config (a Kubernetes Secret holds at most 1 MiB in all). */
export const MAX_VALUE_LENGTH = 64 * 1024;
const MAX_ISSUES = 5;

export class ConfigValidator {
  readonly #ajv: Ajv;
  readonly #schemas: SchemaRegistry;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(schemas: SchemaRegistry) {
    this.#schemas = schemas;
    // strict off: upstream schemas carry annotations (javaType, mask, ...) ajv does not know.
    this.#ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    this.#ajv.addFormat('password', true);
    for (const f of ['uri', 'email', 'date-time', 'hostname', 'regex', 'uuid']) this.#ajv.addFormat(f, true);
    // Every schema under its $id, so relative $refs between files resolve as they do in the registry.
    for (const entry of schemas.entries()) {
      try {
        this.#ajv.addSchema(oneOfAsAnyOf(entry.schema) as object, entry.schema.$id ?? entry.name);
      } catch {
        // Duplicate ids across schema dirs: the registry already picked the winner; skip.
      }
    }
  }

  /** True when a schema named `type` is registered. */
  has(type: string): boolean {
    return this.#schemas.has(type);
  }

  /**
   * Validates `config` (found at `where` in the body, e.g. `connection.config`) against schema
   * `type`.
   * @throws OmsmError OMSM_ERR_API_INVALID listing up to 5 issues with dotted paths.
   */
  validate(type: string, config: JsonObject, where: string): void {
    const issues: ValidationIssue[] = [];
    oversize(config, where, issues);
    const schema =
      type !== '' && this.#schemas.has(type) ? (this.#schemas.get(type).schema as object) : undefined;
    if (!schema) {
      throw validationError('OMSM_ERR_API_INVALID', [
        {
          path: `${where}.type`,
          code: 'unknown_type',
          message: type === '' ? 'is required' : `unknown type "${printable(type)}"`,
          fix: 'Use a connection type with a registered JSON Schema (see schemas/).',
        },
      ]);
    }
    const fn = this.#compile(type, schema);
    // `null` means "not set" (as upstream's Jackson reads it) and clears a password field.
    if (!fn(withoutNulls(config))) issues.push(...toIssues(fn.errors ?? [], where));
    if (issues.length > 0) throw validationError('OMSM_ERR_API_INVALID', dedupe(issues).slice(0, MAX_ISSUES));
  }

  #compile(type: string, schema: object): ValidateFunction {
    let fn = this.#compiled.get(type);
    if (!fn) {
      const id = (schema as { $id?: string }).$id;
      fn =
        (id ? this.#ajv.getSchema(id) : undefined) ?? this.#ajv.getSchema(type) ?? this.#ajv.compile(schema);
      this.#compiled.set(type, fn);
    }
    return fn;
  }
}

/**
 * Upstream's alternatives overlap (an empty `authType` fits basic, IAM and Azure auth alike) and
 * its Java server takes the first that fits, so `oneOf` is checked as `anyOf` here; the password
 * walker still sees every alternative.
 */
function oneOfAsAnyOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(oneOfAsAnyOf);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k === 'oneOf' ? 'anyOf' : k] = oneOfAsAnyOf(v);
  return out;
}

function withoutNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

function oversize(value: JsonValue, path: string, out: ValidationIssue[]): void {
  if (typeof value === 'string') {
    if (value.length > MAX_VALUE_LENGTH) {
      out.push({
        path,
        code: 'too_big',
        message: `is longer than ${MAX_VALUE_LENGTH} characters`,
        fix: 'Store a smaller value.',
      });
    }
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) oversize(v, `${path}.${i}`, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) oversize(v, `${path}.${k}`, out);
  }
}

function toIssues(errors: readonly ErrorObject[], where: string): ValidationIssue[] {
  // Deepest paths first: inside a oneOf the branch errors say more than "must match one schema".
  const sorted = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length);
  return sorted.map((e) => {
    const base = `${where}${e.instancePath.replaceAll('/', '.')}`;
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty?: string }).additionalProperty);
      return { path: `${base}.${extra}`, code: 'unknown_field', message: 'is not a known field' };
    }
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty?: string }).missingProperty);
      return { path: `${base}.${missing}`, code: 'required', message: 'is required' };
    }
    return { path: base, code: e.keyword, message: e.message ?? 'is invalid' };
  });
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function printable(s: string): string {
  return JSON.stringify(s.length > 64 ? `${s.slice(0, 61)}...` : s).slice(1, -1);
}
