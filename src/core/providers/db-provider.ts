/**
 * @module core/providers/db-provider
 *
 * The `db` provider (upstream's default): the value is kept inside the database itself, as a
 * Fernet token `fernet:<token>`; with `no_encryption_at_rest` the stored form is the plain value.
 * There is nothing remote: `get` decrypts, `delete` has nothing to remove, and `inline` is true.
 */
import { omsmError } from '../errors.js';
import { FERNET_PREFIX, Fernet, isFernetStored } from '../crypto/fernet.js';
import { isReference } from '../naming/reference.js';
import type { SecretId } from '../naming/secret-name.js';
import type { Capability, SecretsProvider } from './provider.js';

export interface DbProviderOptions {
  /** `fernetConfiguration.fernetKey`: one key, a comma-separated list, or `no_encryption_at_rest`. */
  readonly fernetKey: string;
  readonly readOnly?: boolean;
}

/** Fernet-in-the-database provider. */
export class DbProvider implements SecretsProvider {
  readonly name = 'db' as const;
  readonly capability: Capability;
  readonly inline = true;
  readonly durable = true;
  readonly #fernet: Fernet | undefined;

  /** @throws OmsmError OMSM_ERR_FERNET_KEY for a malformed key. */
  constructor(options: DbProviderOptions) {
    this.#fernet = Fernet.fromConfig(options.fernetKey);
    this.capability = options.readOnly ? 'ReadOnly' : 'ReadWrite';
  }

  /** True when values are encrypted (the key is not `no_encryption_at_rest`). */
  get encrypting(): boolean {
    return this.#fernet !== undefined;
  }

  async store(id: SecretId, value: string): Promise<string> {
    if (this.capability === 'ReadOnly') {
      throw omsmError('OMSM_ERR_SECRET_READ_ONLY', `cannot store ${id.name}: provider is read-only`, {
        secretName: id.name,
      });
    }
    return this.#fernet ? FERNET_PREFIX + this.#fernet.encrypt(value) : value;
  }

  async get(stored: string): Promise<string | undefined> {
    if (isFernetStored(stored)) {
      if (!this.#fernet) {
        throw omsmError(
          'OMSM_ERR_FERNET_KEY',
          'a value is Fernet-encrypted but fernetConfiguration.fernetKey is no_encryption_at_rest',
          { path: 'fernetConfiguration.fernetKey' },
        );
      }
      return this.#fernet.decrypt(stored);
    }
    if (!this.#fernet && !isReference(stored)) return stored;
    throw omsmError('OMSM_ERR_REFERENCE_INVALID', 'the db provider cannot read a secret: reference', {
      secretName: isReference(stored) ? stored : undefined,
    });
  }

  /** Nothing to delete: the value lives in the row that the caller rewrites. */
  async delete(_stored: string, _id?: SecretId): Promise<void> {}

  async exists(stored: string): Promise<boolean> {
    return (await this.get(stored)) !== undefined;
  }

  recognizes(stored: string): boolean {
    return isFernetStored(stored) || (!this.#fernet && !isReference(stored));
  }

  async close(): Promise<void> {}
}

/** Factory for the registry. */
export function createDbProvider(options: DbProviderOptions): DbProvider {
  return new DbProvider(options);
}
