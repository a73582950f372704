/**
 * @module core/providers/in-memory-provider
 *
 * The `in-memory` provider, for tests and development. It behaves like the kubernetes provider
 * where callers can tell: stored form `secret:<name>`, one entry per name that remembers the
 * logical id it was written for (so `my_db` and `my-db`, which clean to one name, cannot overwrite
 * each other), entries that omsm did not write ("foreign") are readable but never overwritten or
 * deleted, and a read-only mode. Several providers may share one `InMemoryStore` (server and
 * ingestion in one test).
 */
import { omsmError } from '../errors.js';
import { isReference, parseReference, toReference } from '../naming/reference.js';
import type { SecretId } from '../naming/secret-name.js';
import type { Capability, SecretRecord, SecretsProvider } from './provider.js';

interface Entry {
  /** Logical id the entry was written for; undefined for a foreign entry. */
  readonly id: string | undefined;
  readonly value: string;
}

/** The shared state behind in-memory providers. */
export class InMemoryStore {
  readonly entries = new Map<string, Entry>();
  /** Number of writes (store calls that changed something) and deletes; tests count calls. */
  writes = 0;

  /** Adds a Secret omsm does not manage (as if created by hand with kubectl). */
  putForeign(name: string, value: string): void {
    this.entries.set(name, { id: undefined, value });
  }

  /** The raw value under a name (tests only; never log it). */
  peek(name: string): string | undefined {
    return this.entries.get(name)?.value;
  }
}

export interface InMemoryProviderOptions {
  readonly store?: InMemoryStore;
  readonly readOnly?: boolean;
}

/** In-process provider with kubernetes-like semantics. */
export class InMemoryProvider implements SecretsProvider {
  readonly name = 'in-memory' as const;
  readonly capability: Capability;
  readonly inline = false;
  /** Values live in this process only (tests, development). */
  readonly durable = false;
  readonly backing: InMemoryStore;

  constructor(options: InMemoryProviderOptions = {}) {
    this.backing = options.store ?? new InMemoryStore();
    this.capability = options.readOnly ? 'ReadOnly' : 'ReadWrite';
  }

  async store(id: SecretId, value: string): Promise<string> {
    this.#writable(id.name);
    const existing = this.backing.entries.get(id.name);
    if (existing && existing.id !== id.id) throw notOurs(id.name, id.id, existing.id);
    if (!existing || existing.value !== value) {
      this.backing.entries.set(id.name, { id: id.id, value });
      this.backing.writes++;
    }
    return toReference(id.name);
  }

  async get(stored: string): Promise<string | undefined> {
    return this.backing.entries.get(this.#name(stored))?.value;
  }

  async read(stored: string): Promise<SecretRecord | undefined> {
    const entry = this.backing.entries.get(this.#name(stored));
    if (!entry) return undefined;
    // A foreign entry stands for a Secret without the managed-by label.
    return entry.id === undefined ? { value: entry.value, managed: false } : { ...entry, managed: true };
  }

  async delete(stored: string, id?: SecretId): Promise<void> {
    const name = this.#name(stored);
    this.#writable(name);
    const existing = this.backing.entries.get(name);
    if (!existing) return;
    if (existing.id === undefined || (id !== undefined && existing.id !== id.id)) {
      throw notOurs(name, id?.id, existing.id);
    }
    this.backing.entries.delete(name);
    this.backing.writes++;
  }

  async exists(stored: string): Promise<boolean> {
    return (await this.get(stored)) !== undefined;
  }

  recognizes(stored: string): boolean {
    return isReference(stored);
  }

  async close(): Promise<void> {}

  #name(stored: string): string {
    if (!isReference(stored)) {
      throw omsmError('OMSM_ERR_REFERENCE_INVALID', 'the in-memory provider reads only secret: references');
    }
    return parseReference(stored);
  }

  #writable(name: string): void {
    if (this.capability === 'ReadOnly') {
      throw omsmError('OMSM_ERR_SECRET_READ_ONLY', `cannot change ${name}: provider is read-only`, {
        secretName: name,
      });
    }
  }
}

function notOurs(name: string, id: string | undefined, owner: string | undefined) {
  const whose = owner === undefined ? 'is not managed by omsm' : `belongs to id ${owner}`;
  return omsmError('OMSM_ERR_SECRET_NOT_OURS', `Secret ${name} ${whose}`, {
    secretName: name,
    ...(id === undefined ? {} : { secretId: id }),
  });
}

/** Factory for the registry. */
export function createInMemoryProvider(options: InMemoryProviderOptions = {}): InMemoryProvider {
  return new InMemoryProvider(options);
}
