/**
 * @module server/instrumented-provider
 *
 * A SecretsProvider decorator that measures every call: Prometheus counters and histograms of
 * secret operations by verb and outcome (`omsm_secret_operations_total`,
 * `omsm_secret_operation_seconds`), and a running total of time spent inside the provider (the
 * benchmark uses it to split server time from Kubernetes time). Values and names are never labels.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { asOmsmError } from '../core/errors.js';
import type { SecretId } from '../core/naming/secret-name.js';
import type { SecretsProvider, StoreOptions } from '../core/providers/provider.js';

export interface ProviderTiming {
  /** Milliseconds spent in provider calls so far (overlapping calls add up). */
  totalMs: number;
  calls: number;
}

export class InstrumentedProvider implements SecretsProvider {
  readonly name: SecretsProvider['name'];
  readonly capability: SecretsProvider['capability'];
  readonly inline: boolean;
  readonly durable: boolean;
  readonly timing: ProviderTiming = { totalMs: 0, calls: 0 };
  readonly #inner: SecretsProvider;
  readonly #count: Counter<'verb' | 'outcome' | 'provider'>;
  readonly #latency: Histogram<'verb' | 'outcome' | 'provider'>;

  constructor(inner: SecretsProvider, registry: Registry) {
    this.#inner = inner;
    this.name = inner.name;
    this.capability = inner.capability;
    this.inline = inner.inline;
    this.durable = inner.durable;
    const existingCount = registry.getSingleMetric('omsm_secret_operations_total');
    this.#count =
      (existingCount as Counter<'verb' | 'outcome' | 'provider'> | undefined) ??
      new Counter({
        name: 'omsm_secret_operations_total',
        help: 'Secret operations by verb (store, get, delete, exists) and outcome (ok or error kind)',
        labelNames: ['verb', 'outcome', 'provider'],
        registers: [registry],
      });
    const existingLatency = registry.getSingleMetric('omsm_secret_operation_seconds');
    this.#latency =
      (existingLatency as Histogram<'verb' | 'outcome' | 'provider'> | undefined) ??
      new Histogram({
        name: 'omsm_secret_operation_seconds',
        help: 'Latency of secret operations by verb and outcome',
        labelNames: ['verb', 'outcome', 'provider'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      });
  }

  /** The wrapped provider's start-up access self-check, when it ran one (readiness reports it). */
  get access(): SecretsProvider['access'] {
    return this.#inner.access;
  }

  /** The wrapped provider (for tests that need its backing store). */
  get inner(): SecretsProvider {
    return this.#inner;
  }

  store(id: SecretId, value: string, options?: StoreOptions): Promise<string> {
    return this.#measure('store', () => this.#inner.store(id, value, options));
  }
  get(stored: string): Promise<string | undefined> {
    return this.#measure('get', () => this.#inner.get(stored));
  }
  delete(stored: string, id?: SecretId): Promise<void> {
    return this.#measure('delete', () => this.#inner.delete(stored, id));
  }
  exists(stored: string): Promise<boolean> {
    return this.#measure('exists', () => this.#inner.exists(stored));
  }
  recognizes(stored: string): boolean {
    return this.#inner.recognizes(stored);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }

  async #measure<T>(verb: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    let outcome = 'ok';
    try {
      return await fn();
    } catch (err) {
      outcome = asOmsmError(err)?.kind ?? 'internal';
      throw err;
    } finally {
      const ms = performance.now() - start;
      this.timing.totalMs += ms;
      this.timing.calls++;
      const labels = { verb, outcome, provider: this.name };
      this.#count.inc(labels);
      this.#latency.observe(labels, ms / 1000);
    }
  }
}
