/**
 * @module test/support/fake-read-only-provider
 * An in-memory read-only SecretsProvider for the resolver's unit tests: counts reads, can fail a
 * given name with any error, and can hold reads open to observe concurrency. Every value reads as
 * managed unless its name is in `unmanaged`; `ids` holds the logical ids values record.
 */
import type { SecretRecord, SecretsProvider } from '../../src/core/providers/provider.js';

export class FakeProvider implements SecretsProvider {
  readonly name = 'kubernetes' as const;
  readonly capability = 'ReadOnly' as const;
  readonly inline = false;
  readonly durable = true;
  readonly values = new Map<string, string>();
  readonly failures = new Map<string, unknown>();
  readonly reads: string[] = [];
  readonly unmanaged = new Set<string>();
  readonly ids = new Map<string, string>();
  delayMs = 0;
  active = 0;
  maxActive = 0;
  closed = false;

  async store(): Promise<string> {
    throw new Error('read-only fake');
  }
  async get(stored: string): Promise<string | undefined> {
    const name = stored.slice('secret:'.length);
    this.reads.push(name);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      const failure = this.failures.get(name);
      if (failure !== undefined) throw failure;
      return this.values.get(name);
    } finally {
      this.active--;
    }
  }
  async read(stored: string): Promise<SecretRecord | undefined> {
    const value = await this.get(stored);
    if (value === undefined) return undefined;
    const name = stored.slice('secret:'.length);
    const id = this.ids.get(name);
    return { value, managed: !this.unmanaged.has(name), ...(id === undefined ? {} : { id }) };
  }
  async delete(): Promise<void> {
    throw new Error('read-only fake');
  }
  async exists(stored: string): Promise<boolean> {
    return (await this.get(stored)) !== undefined;
  }
  recognizes(stored: string): boolean {
    return stored.startsWith('secret:');
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}
