/**
 * @module ingestion/resolver
 *
 * Turns `secret:` references into values, read-only (verb `get` only), failing closed.
 *
 * Upstream's Python resolver swallows every error and hands the literal `secret:...` string on as
 * the password, so a typo or a missing RBAC grant surfaces much later as "authentication failed"
 * at the database. Here an unresolvable reference (missing Secret, missing `value` key, 403, 401,
 * network) is an OMSM_ERR_SECRET_UNRESOLVED naming the reference, the namespace and the cause, and
 * every failure of one config is collected and reported together. No reference string ever comes
 * back as a value.
 *
 * Only what omsm manages is handed on (docs/ingestion.md#what-the-resolver-reads): a Secret
 * without the managed-by label is refused (OMSM_ERR_SECRET_FOREIGN), and so is one whose recorded
 * logical id belongs to another entity or field than the place it is used at (field-owner.ts).
 * Upstream-written Secrets (label, no id annotation) stay readable. Without this, whoever may edit
 * one connection could have any Secret the runtime can `get` sent to a host of their choice.
 *
 * Work: one `get` per distinct reference, at most `concurrency` at a time (p-limit), identical
 * in-flight reads shared, and an optional TTL cache (off by default).
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { asOmsmError, type ErrorCode, omsmError, type OmsmError } from '../core/errors.js';
import { isReference, parseReference, REFERENCE_PREFIX, toReference } from '../core/naming/reference.js';
import { isValidSecretName } from '../core/naming/secret-name.js';
import type { SecretsProvider } from '../core/providers/provider.js';
import { type FieldOwner, ownerMismatch } from './field-owner.js';
import { replaceReferences, type ScanResult, scanReferences } from './references.js';
import { ResolverCache } from './resolver-cache.js';

export const DEFAULT_CONCURRENCY = 16;

export interface ResolverOptions {
  /** The provider to read from, opened read-only; `null` for `db` (values are inline, nothing to read). */
  readonly provider: SecretsProvider | null;
  /** Provider name for messages (`kubernetes`, `db`). */
  readonly providerName: string;
  /** Namespace the provider reads from, for messages. */
  readonly namespace: string;
  /** Parallel reads at most (default 16). */
  readonly concurrency?: number;
  /** Keep resolved values in memory for this long, ms; 0 (default) = no cache. */
  readonly cacheTtlMs?: number;
  /**
   * Opens `fernet:` tokens (db mode: omsm's server hands out the tokens as stored). Called once, on
   * the first token; without it a token is an error.
   */
  readonly decryptor?: () => SecretsProvider;
  /** Clock for the cache (tests). */
  readonly now?: () => number;
}

/** The outcome for one distinct reference. `reason` and `code` are set when it failed. */
export interface ReferenceStatus {
  /** The reference as written, or `(invalid reference)` when it is not a valid name (may be a value). */
  readonly reference: string;
  /** Secret name (prefix stripped once), when valid. */
  readonly name?: string;
  /** Where it appears in the config (dotted paths); empty when resolved directly. */
  readonly paths: readonly string[];
  readonly ok: boolean;
  readonly code?: ErrorCode;
  readonly reason?: string;
  /** The underlying error (not serialized; kept for `cause` chains). */
  readonly cause?: unknown;
}

type Attempt =
  | { ok: true; value: string; id?: string }
  | { ok: false; code: ErrorCode; reason: string; cause?: unknown };
type Read = { value: string; id?: string };

export class SecretResolver {
  readonly #opts: ResolverOptions;
  readonly #limit: LimitFunction;
  readonly #cache: ResolverCache<Read>;
  readonly #inflight = new Map<string, Promise<Attempt>>();
  #decryptor: SecretsProvider | undefined;

  constructor(options: ResolverOptions) {
    this.#opts = options;
    this.#limit = pLimit(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
    this.#cache = new ResolverCache<Read>(options.cacheTtlMs ?? 0, options.now);
  }

  get namespace(): string {
    return this.#opts.namespace;
  }

  /**
   * The value behind one reference (`secret:<name>`, or a bare name).
   * @throws OmsmError OMSM_ERR_SECRET_UNRESOLVED naming the reference, namespace and cause.
   * @example await resolver.resolveReference('secret:openmetadata-database-mysql-password')
   */
  async resolveReference(reference: string): Promise<string> {
    const map = await this.resolveReferences([reference]);
    return map.get(reference)!;
  }

  /**
   * Resolves many references at once: one read per distinct reference, all failures together.
   * @returns each given reference string mapped to its value.
   * @throws OmsmError OMSM_ERR_SECRET_UNRESOLVED listing every reference that failed and why.
   */
  async resolveReferences(
    references: Iterable<string> | ReadonlyMap<string, readonly string[]>,
  ): Promise<Map<string, string>> {
    const withPaths = toPathMap(references);
    const { values, statuses } = await this.#run(withPaths);
    const failed = statuses.filter((s) => !s.ok);
    if (failed.length > 0) throw this.#unresolved(failed);
    return values;
  }

  /**
   * A copy of `config` with every `secret:` string (any depth, arrays too) replaced by its value.
   * Fernet tokens are opened with the decryptor (db mode), or refused: never handed on as ciphertext.
   * @throws OmsmError OMSM_ERR_SECRET_UNRESOLVED listing every failure; nothing is returned then.
   */
  async resolveConfig<T>(config: T): Promise<T> {
    return replaceReferences(config, await this.resolveScan(scanReferences(config)));
  }

  /**
   * Resolves what `scanReferences` found (for callers that replace values themselves, such as the
   * YAML writer that keeps comments).
   * @throws OmsmError OMSM_ERR_SECRET_UNRESOLVED listing every failure, Fernet tokens included.
   */
  async resolveScan(scan: ScanResult): Promise<Map<string, string>> {
    const { values, statuses } = await this.#runScan(scan);
    const failed = statuses.filter((s) => !s.ok);
    if (failed.length > 0) throw this.#unresolved(failed);
    return values;
  }

  /** Resolves every reference in `config` and reports each one; never throws for a bad reference. */
  async check(config: unknown): Promise<ReferenceStatus[]> {
    return this.checkScan(scanReferences(config));
  }

  /** Same as `check` for what `scanReferences` found. */
  async checkScan(scan: ScanResult): Promise<ReferenceStatus[]> {
    return (await this.#runScan(scan)).statuses;
  }

  /** Drops the cache and closes the provider. */
  async close(): Promise<void> {
    this.#cache.clear();
    await this.#decryptor?.close();
    await this.#opts.provider?.close();
  }

  /**
   * Fernet tokens first (decrypted locally; one that holds a `secret:` reference joins the
   * references), then every reference with bounded concurrency.
   */
  async #runScan(scan: ScanResult): Promise<{ values: Map<string, string>; statuses: ReferenceStatus[] }> {
    const fernetStatuses: ReferenceStatus[] = [];
    const plain = new Map<string, string>();
    const viaReference = new Map<string, string>(); // token -> reference it decrypted to
    const refs = new Map<string, readonly string[]>(scan.references);
    for (const [token, paths] of scan.fernet) {
      const opened = await this.#decrypt(token);
      if (!opened.ok) {
        fernetStatuses.push({
          reference: '(fernet token)',
          paths,
          ok: false,
          code: opened.code,
          reason: opened.reason,
        });
      } else if (isReference(opened.value)) {
        viaReference.set(token, opened.value);
        refs.set(opened.value, [...(refs.get(opened.value) ?? []), ...paths]);
      } else {
        plain.set(token, opened.value);
        fernetStatuses.push({ reference: '(fernet token)', paths, ok: true });
      }
    }
    const { values, statuses } = await this.#run(refs, scan.owners);
    for (const [token, value] of plain) values.set(token, value);
    for (const [token, ref] of viaReference) {
      const v = values.get(ref);
      if (v !== undefined) values.set(token, v);
    }
    return { values, statuses: [...statuses, ...fernetStatuses] };
  }

  async #decrypt(token: string): Promise<Attempt> {
    const factory = this.#opts.decryptor;
    if (!factory) {
      return {
        ok: false,
        code: 'OMSM_ERR_SECRET_UNRESOLVED',
        reason: `a fernet: token (an encrypted database value) in a ${this.#opts.providerName}-mode config; only the db provider opens these`,
      };
    }
    try {
      this.#decryptor ??= factory();
      const value = await this.#decryptor.get(token);
      if (value === undefined) throw omsmError('OMSM_ERR_FERNET_TOKEN', 'the token holds no value');
      return { ok: true, value };
    } catch (err) {
      const known = asOmsmError(err);
      return {
        ok: false,
        code: known?.code ?? 'OMSM_ERR_INTERNAL',
        reason: `${known ? `${known.code}: ${known.message}` : 'cannot decrypt'}; set FERNET_KEY to the server's fernetConfiguration.fernetKey`,
        cause: err,
      };
    }
  }

  async #run(
    refs: ReadonlyMap<string, readonly string[]>,
    owners: ReadonlyMap<string, FieldOwner> = new Map(),
  ): Promise<{ values: Map<string, string>; statuses: ReferenceStatus[] }> {
    const entries = [...refs];
    const reads = await Promise.all(entries.map(([ref]) => this.#attempt(ref)));
    const attempts = reads.map((a, i) => (a.ok ? this.#checkOwner(a, entries[i]![1], owners) : a));
    const values = new Map<string, string>();
    const statuses = entries.map(([ref, paths], i): ReferenceStatus => {
      const a = attempts[i]!;
      const name = validName(ref);
      const shown = name === undefined ? '(invalid reference)' : ref;
      if (a.ok) {
        values.set(ref, a.value);
        return { reference: shown, name, paths, ok: true };
      }
      return { reference: shown, name, paths, ok: false, code: a.code, reason: a.reason, cause: a.cause };
    });
    return { values, statuses };
  }

  #attempt(reference: string): Promise<Attempt> {
    const name = validName(reference);
    if (name === undefined) {
      // Never echo the string: something that starts with `secret:` but is no name may be a value.
      return Promise.resolve({
        ok: false,
        code: 'OMSM_ERR_REFERENCE_INVALID',
        reason: 'starts with "secret:" but the rest is not a valid Kubernetes Secret name',
      });
    }
    const cached = this.#cache.get(name);
    if (cached !== undefined) return Promise.resolve({ ok: true, ...cached });
    const running = this.#inflight.get(name);
    if (running) return running;
    const p = this.#limit(() => this.#read(name)).finally(() => this.#inflight.delete(name));
    this.#inflight.set(name, p);
    return p;
  }

  async #read(name: string): Promise<Attempt> {
    const { provider, providerName, namespace } = this.#opts;
    if (!provider || provider.inline) {
      return {
        ok: false,
        code: 'OMSM_ERR_SECRET_UNRESOLVED',
        reason: `secretsManagerProvider is ${providerName}, which keeps values inline and has no Secrets to read; set secretsManagerProvider: kubernetes (or --provider kubernetes)`,
      };
    }
    if (!provider.read) {
      return {
        ok: false,
        code: 'OMSM_ERR_SECRET_UNRESOLVED',
        reason: `the ${providerName} provider cannot say who manages a secret, so nothing is read through it`,
      };
    }
    try {
      const record = await provider.read(toReference(name));
      if (record?.value === undefined) {
        return {
          ok: false,
          code: 'OMSM_ERR_SECRET_NOT_FOUND',
          reason: `no Secret "${name}" in namespace "${namespace}", or it has no data key "value"`,
        };
      }
      if (!record.managed) {
        // Said before anything else about the Secret: its value is never read into the result.
        return {
          ok: false,
          code: 'OMSM_ERR_SECRET_FOREIGN',
          reason: `Secret "${name}" in namespace "${namespace}" is not managed by omsm (no managed-by label), and omsm hands on only Secrets it manages`,
        };
      }
      const read: Read =
        record.id === undefined ? { value: record.value } : { value: record.value, id: record.id };
      this.#cache.set(name, read);
      return { ok: true, ...read };
    } catch (err) {
      const known = asOmsmError(err);
      // Foreign errors may carry request headers in their text: report only their class.
      const reason = known
        ? `${known.code}: ${known.message}`
        : `unexpected ${err instanceof Error ? err.name : typeof err}`;
      return { ok: false, code: known?.code ?? 'OMSM_ERR_INTERNAL', reason, cause: err };
    }
  }

  /** Refuses a read whose recorded owner is not the entity and field of a place it is used at. */
  #checkOwner(
    a: Attempt & { ok: true },
    paths: readonly string[],
    owners: ReadonlyMap<string, FieldOwner>,
  ): Attempt {
    if (a.id === undefined) return a; // upstream-written: no id recorded, nothing to compare
    for (const path of paths) {
      const owner = owners.get(path);
      const why = owner && ownerMismatch(a.id, owner);
      if (why) {
        return {
          ok: false,
          code: 'OMSM_ERR_SECRET_FOREIGN',
          reason: `the Secret is omsm's but not this field's: ${why}`,
        };
      }
    }
    return a;
  }

  #unresolved(failed: readonly ReferenceStatus[]): OmsmError {
    const ns = this.#opts.namespace;
    const line = (s: ReferenceStatus) =>
      `${s.reference}${s.paths.length > 0 ? ` (at ${s.paths.slice(0, 3).join(', ')}${s.paths.length > 3 ? ', ...' : ''})` : ''}: ${s.reason}`;
    const message =
      failed.length === 1
        ? `cannot resolve ${line(failed[0]!)} (provider ${this.#opts.providerName}, namespace "${ns}")`
        : `${failed.length} references cannot be resolved (provider ${this.#opts.providerName}, namespace "${ns}"):\n  ${failed.map(line).join('\n  ')}`;
    return omsmError(
      'OMSM_ERR_SECRET_UNRESOLVED',
      message,
      {
        namespace: ns,
        ...(failed.length === 1 && failed[0]!.name ? { secretName: failed[0]!.name } : {}),
        references: failed.map((s) => ({
          reference: s.reference,
          paths: s.paths,
          code: s.code,
          reason: s.reason,
        })),
      },
      failed.length === 1 ? failed[0]!.cause : undefined,
    );
  }
}

/**
 * The Secret name, or undefined. Checked before parseReference so no error (whose message would
 * quote the string, possibly a password that happens to start with `secret:`) is ever built.
 */
function validName(reference: string): string | undefined {
  const bare = reference.startsWith(REFERENCE_PREFIX) ? reference.slice(REFERENCE_PREFIX.length) : reference;
  return isValidSecretName(bare) ? parseReference(reference) : undefined;
}

function toPathMap(
  references: Iterable<string> | ReadonlyMap<string, readonly string[]>,
): ReadonlyMap<string, readonly string[]> {
  if (references instanceof Map) return references;
  const m = new Map<string, string[]>();
  for (const r of references as Iterable<string>) m.set(r, []);
  return m;
}
