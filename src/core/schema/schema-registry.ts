/**
 * @module core/schema/schema-registry
 *
 * The connection JSON Schemas omsm knows: the bundled `schemas/**\/*.json` plus the directories of
 * `config.schemaDirs` (searched after, so a user file with the same name replaces a bundled one).
 * Schemas are named by file name without `.json` (`Mysql`, `JWTAuthMechanism`); `$ref`s are
 * resolved the way JSON Schema tools do: `#/definitions/x` inside the file, `other.json#/...`
 * relative to the referring file, an absolute `$id`, and (for user schemas that point at bundled
 * ones by name) a bare file name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { omsmError } from '../errors.js';
import { BUNDLED_SCHEMA_DIR } from '../paths.js';
import type { FieldPath, JsonObject } from '../secrets/secrets-manager-types.js';
import { walkPasswordPaths } from './password-paths.js';

/** A JSON Schema node (the subset the walker reads; everything else passes through). */
export interface JsonSchema {
  readonly $id?: string;
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly required?: readonly string[];
  readonly items?: JsonSchema | readonly JsonSchema[];
  readonly additionalItems?: boolean | JsonSchema;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly [key: string]: unknown;
}

/** One loaded schema file. */
export interface SchemaEntry {
  readonly name: string;
  readonly file: string;
  readonly schema: JsonSchema;
}

/** A schema node together with the file it came from (for resolving its relative `$ref`s). */
export interface SchemaNode {
  readonly schema: JsonSchema;
  readonly file: string;
}

export interface SchemaRegistryOptions {
  /** Extra directories (config.schemaDirs), searched after the bundled one. */
  readonly dirs?: readonly string[];
  /** Replace the bundled directory (tests). */
  readonly bundledDir?: string;
}

/** Loaded schemas, by name and by file. */
export class SchemaRegistry {
  readonly #byName = new Map<string, SchemaEntry>();
  readonly #byFile = new Map<string, SchemaEntry>();
  readonly #byId = new Map<string, SchemaEntry>();
  readonly #derefCache = new WeakMap<JsonSchema, Map<string, SchemaNode>>();
  readonly dirs: readonly string[];

  /** @throws OmsmError OMSM_ERR_SCHEMA_INVALID for unreadable JSON or a duplicate name in one directory. */
  constructor(options: SchemaRegistryOptions = {}) {
    this.dirs = [options.bundledDir ?? BUNDLED_SCHEMA_DIR, ...(options.dirs ?? []).map((d) => resolve(d))];
    for (const dir of this.dirs) {
      const seen = new Map<string, string>();
      for (const file of jsonFiles(dir)) {
        const name = basename(file, '.json');
        const other = seen.get(name);
        if (other) {
          throw omsmError(
            'OMSM_ERR_SCHEMA_INVALID',
            `two schemas named ${name} in ${dir}: ${other} and ${file}`,
            {
              path: file,
            },
          );
        }
        seen.set(name, file);
        const entry: SchemaEntry = { name, file, schema: readSchema(file) };
        this.#byName.set(name, entry); // later directories replace earlier ones
        this.#byFile.set(file, entry);
        if (typeof entry.schema.$id === 'string') this.#byId.set(entry.schema.$id.replace(/#$/, ''), entry);
      }
    }
  }

  /** Names of every schema (sorted). */
  names(): string[] {
    return [...this.#byName.keys()].sort();
  }

  /** True when `name` is known (exactly or case-insensitively). */
  has(name: string): boolean {
    return this.#find(name) !== undefined;
  }

  /**
   * The schema named `name` (exact, else a unique case-insensitive match).
   * @throws OmsmError OMSM_ERR_SCHEMA_UNKNOWN naming the schema and the directories searched.
   */
  get(name: string): SchemaEntry {
    const entry = this.#find(name);
    if (!entry) {
      throw omsmError(
        'OMSM_ERR_SCHEMA_UNKNOWN',
        `no JSON Schema named "${name}" (looked in ${this.dirs.join(', ')}; known: ${this.names().join(', ')})`,
        { path: 'schema', schema: name },
      );
    }
    return entry;
  }

  /** The effective schemas (replaced bundled ones left out), e.g. to add them all to ajv. */
  entries(): SchemaEntry[] {
    return [...this.#byName.values()];
  }

  /**
   * Follows `$ref`s from `node` until a schema without one.
   * @throws OmsmError OMSM_ERR_SCHEMA_INVALID for a dangling or circular `$ref`.
   */
  deref(node: SchemaNode): SchemaNode {
    if (typeof node.schema.$ref !== 'string') return node;
    // Schemas are immutable once loaded, so where a $ref chain ends is cached (the password walk
    // follows the same refs for every entity of a migration).
    let byFile = this.#derefCache.get(node.schema);
    const hit = byFile?.get(node.file);
    if (hit) return hit;
    const resolved = this.#derefUncached(node);
    if (!byFile) {
      byFile = new Map();
      this.#derefCache.set(node.schema, byFile);
    }
    byFile.set(node.file, resolved);
    return resolved;
  }

  #derefUncached(node: SchemaNode): SchemaNode {
    let current = node;
    for (let hops = 0; typeof current.schema.$ref === 'string'; hops++) {
      if (hops > 32) throw invalid(current.file, `$ref loop at ${current.schema.$ref}`);
      current = this.#resolveRef(current.schema.$ref, current.file);
    }
    return current;
  }

  /**
   * Paths of the password fields (`format: password`) holding a string in `config`, walking the
   * schema `name` alongside it (nested objects, arrays, allOf/oneOf/anyOf, `$ref`s).
   * @throws OmsmError OMSM_ERR_SCHEMA_UNKNOWN, OMSM_ERR_SCHEMA_INVALID.
   * @example registry.passwordPaths('Mysql', { authType: { password: 'x' } }) // [['authType', 'password']]
   */
  passwordPaths(name: string, config: JsonObject, options: { includeNull?: boolean } = {}): FieldPath[] {
    const entry = this.get(name);
    return walkPasswordPaths(this, { schema: entry.schema, file: entry.file }, config, options);
  }

  #find(name: string): SchemaEntry | undefined {
    const exact = this.#byName.get(name);
    if (exact) return exact;
    const lower = name.toLowerCase();
    const matches = [...this.#byName.values()].filter((e) => e.name.toLowerCase() === lower);
    return matches.length === 1 ? matches[0] : undefined;
  }

  #resolveRef(ref: string, fromFile: string): SchemaNode {
    const hash = ref.indexOf('#');
    const target = hash < 0 ? ref : ref.slice(0, hash);
    const pointer = hash < 0 ? '' : ref.slice(hash + 1);
    let entry: SchemaEntry | undefined;
    if (target === '') entry = this.#byFile.get(fromFile);
    else if (/^[a-z]+:\/\//i.test(target)) entry = this.#byId.get(target);
    else {
      entry = this.#byFile.get(resolve(dirname(fromFile), target)) ?? this.#find(basename(target, '.json'));
    }
    if (!entry) throw invalid(fromFile, `$ref "${ref}" points at no known schema`);
    return { schema: pointAt(entry, pointer, ref, fromFile), file: entry.file };
  }
}

function pointAt(entry: SchemaEntry, pointer: string, ref: string, fromFile: string): JsonSchema {
  let node: unknown = entry.schema;
  for (const raw of pointer.split('/').filter((p) => p !== '')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    if (node === undefined) throw invalid(fromFile, `$ref "${ref}" points at nothing`);
  }
  return node as JsonSchema;
}

function jsonFiles(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir);
  } catch (err) {
    throw omsmError('OMSM_ERR_SCHEMA_INVALID', `schema directory ${dir} cannot be read`, { path: dir }, err);
  }
  return names.sort().flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return jsonFiles(p);
    return n.endsWith('.json') ? [p] : [];
  });
}

function readSchema(file: string): JsonSchema {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as JsonSchema;
  } catch (err) {
    throw omsmError(
      'OMSM_ERR_SCHEMA_INVALID',
      `schema file ${file} is not a JSON object`,
      { path: file },
      err,
    );
  }
}

function invalid(file: string, problem: string) {
  return omsmError('OMSM_ERR_SCHEMA_INVALID', `${file}: ${problem}`, { path: file });
}

let bundled: SchemaRegistry | undefined;

/**
 * The registry for a config's `schemaDirs` (the bundled-only registry is loaded once and shared).
 * @throws OmsmError OMSM_ERR_SCHEMA_INVALID.
 */
export function loadSchemaRegistry(dirs: readonly string[] = []): SchemaRegistry {
  if (dirs.length > 0) return new SchemaRegistry({ dirs });
  bundled ??= new SchemaRegistry();
  return bundled;
}
