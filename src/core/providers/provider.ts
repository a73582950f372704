/**
 * @module core/providers/provider
 *
 * The one interface every secrets backend implements (db, in-memory, kubernetes). A provider keeps
 * single values; the entity-level work (which fields are passwords, masking, references) is the
 * SecretsManager's, on top of it.
 *
 * The database holds, for every password field, the provider's *stored form* of the value:
 * `secret:<kubernetes-name>` for external providers, `fernet:<token>` for db (or the plain value
 * when the key is `no_encryption_at_rest`). `store` returns it; `get` and `delete` take it.
 */
import type { ProviderName } from '../config/config-types.js';
import type { SecretId } from '../naming/secret-name.js';

/** What a backend may do. A resolver opens providers read-only. */
export type Capability = 'ReadOnly' | 'ReadWrite';

/** Three-valued result of an access self-check: "could not tell" is never reported as ready. */
export type AccessState = 'Ready' | 'Unknown' | 'Error';

export interface StoreOptions {
  /**
   * Whether the secret is probably new (entity create, migration) or probably existing (entity
   * update). Saves a round trip when right; a wrong hint costs one extra call, never a wrong result.
   */
  readonly hint?: 'new' | 'existing';
}

/**
 * One stored secret as the ingestion resolver sees it: its value and who it belongs to. The
 * resolver hands on only what omsm manages (docs/ingestion.md#what-the-resolver-reads).
 */
export interface SecretRecord {
  /** The value, or `undefined` when the secret holds none (no `value` key, the payload `null`). */
  readonly value: string | undefined;
  /** True when a secrets manager wrote it (kubernetes: the `managed-by` label; upstream's too). */
  readonly managed: boolean;
  /** The logical id it records (`SecretId.id`); absent for upstream-written secrets. */
  readonly id?: string;
}

export interface SecretsProvider {
  readonly name: ProviderName;
  readonly capability: Capability;
  /** True when the value lives inside the stored form itself (db): nothing to fetch or delete. */
  readonly inline: boolean;
  /** The start-up access self-check's result, when the provider ran one (readiness reports it). */
  readonly access?: { readonly state: AccessState; readonly message: string };
  /**
   * True when what `store` writes outlives this process (a database row, a Kubernetes Secret).
   * `migrate-secrets` refuses a target without it: rewriting rows to references into a store that
   * vanishes on exit would lose every value.
   */
  readonly durable: boolean;

  /**
   * Upserts `value` under `id` and returns the stored form to keep in the database.
   * Idempotent; writing an unchanged value makes no write. An empty value is the caller's business
   * (the SecretsManager deletes instead).
   * @throws OmsmError SECRET_NOT_OURS when the target exists but belongs to another id or to no
   *   omsm manager; SECRET_TOO_LARGE/SECRET_INVALID before any call; SECRET_FORBIDDEN;
   *   SECRET_UNAVAILABLE after retries; SECRET_READ_ONLY on a read-only provider.
   */
  store(id: SecretId, value: string, options?: StoreOptions): Promise<string>;

  /**
   * The value behind a stored form, or `undefined` when the secret is absent (404, no `value` key,
   * or the payload `null` that older upstream versions wrote for empty values).
   * @throws OmsmError REFERENCE_INVALID for a stored form this provider does not read;
   *   SECRET_FORBIDDEN; SECRET_UNAVAILABLE; FERNET_TOKEN (db) for a token no key opens.
   */
  get(stored: string): Promise<string | undefined>;

  /**
   * Deletes the secret behind a stored form. Absent is success (idempotent). With `id`, refuses a
   * Secret whose recorded id differs; always refuses one omsm does not manage.
   * @throws OmsmError SECRET_NOT_OURS, SECRET_FORBIDDEN, SECRET_UNAVAILABLE, SECRET_READ_ONLY.
   */
  delete(stored: string, id?: SecretId): Promise<void>;

  /**
   * The secret behind a stored form with its ownership, `undefined` when absent. Providers the
   * ingestion resolver reads from implement it; without it the resolver refuses to read (it cannot
   * tell an unmanaged Secret from a managed one). Same errors as `get`.
   */
  read?(stored: string): Promise<SecretRecord | undefined>;

  /** True when `get` would return a value. Same errors as `get`. */
  exists(stored: string): Promise<boolean>;

  /** True when `stored` is in this provider's stored form (`secret:` vs `fernet:`). Pure. */
  recognizes(stored: string): boolean;

  /** Releases connections and timers. Idempotent. */
  close(): Promise<void>;
}
