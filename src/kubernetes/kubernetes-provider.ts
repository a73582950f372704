/**
 * @module kubernetes/kubernetes-provider
 *
 * `secretsManager: kubernetes`: every value is one native Secret (format in secret-format.ts),
 * reached through the narrow `SecretsApi` port with only create, get, update and delete.
 *
 * Round trips (each a single API call unless a retry is needed):
 * - store, hint `new` or none: POST (1). If the name is taken (409 AlreadyExists): GET, then PUT
 *   only if something changed.
 * - store, hint `existing`: GET then a PUT conditional on resourceVersion (2); unchanged value: the
 *   GET only (1); absent after all: POST (2).
 * - get/exists: GET (1). delete: GET (ownership) then DELETE conditional on resourceVersion (2).
 * A wrong hint costs one extra call, never a wrong result.
 *
 * Safety: a Secret without the managed-by label, or whose id annotation names another logical id,
 * is never overwritten or deleted (OMSM_ERR_SECRET_NOT_OURS, nothing changed). A stale write (409
 * Conflict) re-reads and rebuilds the write, a bounded number of times, so two writers never lose
 * the final write. 429/5xx/dropped connections are retried inside the deadline (retry.ts). A
 * dropped POST or PUT that did land is harmless: the retry finds the value already there.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { asOmsmError, isNotFound, type OmsmError, omsmError } from '../core/errors.js';
import { isReference, parseReference, toReference } from '../core/naming/reference.js';
import type { SecretId } from '../core/naming/secret-name.js';
import type { BackendObserver } from '../core/providers/observer.js';
import type { Capability, SecretRecord, SecretsProvider, StoreOptions } from '../core/providers/provider.js';
import type { AccessCheckResult } from './access-check.js';
import { type KubeVerb, isAlreadyExists, isStaleWrite, mapKubeError } from './error-mapper.js';
import { backoffMs, withRetry } from './retry.js';
import {
  type SecretObject,
  decodeValue,
  isUpToDate,
  newSecret,
  ownershipProblem,
  secretRecord,
  updatedSecret,
  validateForWrite,
} from './secret-format.js';
import type { CallOptions, SecretsApi } from './secrets-api.js';

/** How many times a write is rebuilt after another writer changed the Secret. */
const MAX_WRITE_ROUNDS = 10;

export interface ProviderSettings {
  readonly namespace: string;
  /** Labels every Secret gets (secret-format.ts `buildLabels`). */
  readonly labels: Readonly<Record<string, string>>;
  readonly readOnly: boolean;
  readonly requestDeadlineMs: number;
  readonly concurrency: number;
  /** For messages (connect.ts `describeIdentity`). */
  readonly identity: string;
  /** Tests: fake clock and randomness for backoff. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Told about every API call and retry (metrics). */
  readonly observer?: BackendObserver | undefined;
}

export class KubernetesProvider implements SecretsProvider {
  readonly name = 'kubernetes' as const;
  readonly capability: Capability;
  readonly inline = false;
  readonly durable = true;
  /** The start-up access check, when one ran. */
  access: AccessCheckResult | undefined;
  readonly namespace: string;
  readonly identity: string;

  readonly #api: SecretsApi;
  readonly #s: ProviderSettings;
  readonly #limit: LimitFunction;
  #closed = false;

  constructor(api: SecretsApi, settings: ProviderSettings) {
    this.#api = api;
    this.#s = settings;
    this.#limit = pLimit(Math.max(1, settings.concurrency));
    this.capability = settings.readOnly ? 'ReadOnly' : 'ReadWrite';
    this.namespace = settings.namespace;
    this.identity = settings.identity;
  }

  recognizes(stored: string): boolean {
    return isReference(stored);
  }

  async store(id: SecretId, value: string, options: StoreOptions = {}): Promise<string> {
    const name = id.name;
    this.#refuseWrite(name);
    validateForWrite(name, id.id, value);
    const deadline = new Deadline(this.#s.requestDeadlineMs);
    const labels = this.#s.labels;
    let next: 'create' | 'read' = options.hint === 'existing' ? 'read' : 'create';
    for (let round = 0; round < MAX_WRITE_ROUNDS; round++) {
      if (round > 1) await this.#pause(round, deadline);
      if (next === 'create') {
        try {
          await this.#call('create', name, deadline, id.id, (o) =>
            this.#api.create(this.namespace, newSecret(name, id.id, value, labels), o),
          );
          return toReference(name);
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
          next = 'read';
        }
      }
      const existing = await this.#read(name, deadline, id.id);
      if (!existing) {
        next = 'create'; // absent (hint was wrong), or deleted since the create said it existed
        continue;
      }
      this.#assertOurs(existing, name, id.id);
      if (isUpToDate(existing, id.id, value, labels)) return toReference(name);
      try {
        await this.#call('update', name, deadline, id.id, (o) =>
          this.#api.replace(this.namespace, name, updatedSecret(existing, id.id, value, labels), o),
        );
        return toReference(name);
      } catch (err) {
        if (isNotFound(err)) next = 'create';
        else if (isStaleWrite(err)) {
          next = 'read';
          this.#s.observer?.retry('update', 'conflict');
        } else throw err;
      }
    }
    throw this.#gaveUp(name, id.id);
  }

  async get(stored: string): Promise<string | undefined> {
    const name = this.#nameOf(stored);
    const existing = await this.#read(name, new Deadline(this.#s.requestDeadlineMs));
    return existing ? decodeValue(existing) : undefined;
  }

  async read(stored: string): Promise<SecretRecord | undefined> {
    const name = this.#nameOf(stored);
    const existing = await this.#read(name, new Deadline(this.#s.requestDeadlineMs));
    return existing ? secretRecord(existing) : undefined;
  }

  async exists(stored: string): Promise<boolean> {
    return (await this.get(stored)) !== undefined;
  }

  async delete(stored: string, id?: SecretId): Promise<void> {
    const name = this.#nameOf(stored);
    this.#refuseWrite(name);
    const deadline = new Deadline(this.#s.requestDeadlineMs);
    for (let round = 0; round < MAX_WRITE_ROUNDS; round++) {
      if (round > 1) await this.#pause(round, deadline);
      const existing = await this.#read(name, deadline, id?.id);
      if (!existing) return; // absent is success
      this.#assertOurs(existing, name, id?.id);
      try {
        await this.#call('delete', name, deadline, id?.id, (o) =>
          this.#api.delete(this.namespace, name, { resourceVersion: existing.metadata?.resourceVersion }, o),
        );
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isStaleWrite(err)) throw err;
        // changed since our GET: look again, it may have become someone else's
        this.#s.observer?.retry('delete', 'conflict');
      }
    }
    throw this.#gaveUp(name, id?.id);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#api.close();
  }

  /** GET; `undefined` on 404. */
  async #read(name: string, deadline: Deadline, secretId?: string): Promise<SecretObject | undefined> {
    try {
      return await this.#call('get', name, deadline, secretId, (o) =>
        this.#api.read(this.namespace, name, o),
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** One API call: limited to `concurrency` in flight, errors mapped, transient failures retried. */
  #call<T>(
    verb: KubeVerb,
    name: string,
    deadline: Deadline,
    secretId: string | undefined,
    fn: (o: CallOptions) => Promise<T>,
  ): Promise<T> {
    // The retry loop runs inside the concurrency slot: backing off after a 429 holds the slot, so
    // a throttling server sees less traffic, not the same traffic later.
    const observer = this.#s.observer;
    return this.#limit(() =>
      withRetry(
        async (timeoutMs) => {
          const start = performance.now();
          try {
            const result = await fn({ timeoutMs });
            observer?.request(verb, '2xx', (performance.now() - start) / 1000);
            return result;
          } catch (err) {
            const mapped = mapKubeError(err, {
              verb,
              name,
              namespace: this.namespace,
              identity: this.identity,
              secretId,
            });
            observer?.request(verb, answerCode(mapped), (performance.now() - start) / 1000);
            throw mapped;
          }
        },
        {
          deadline: deadline.at(),
          attemptTimeoutMs: Math.max(1000, this.#s.requestDeadlineMs / 3),
          sleep: this.#s.sleep,
          random: this.#s.random,
          ...(observer ? { onRetry: (err: unknown) => observer.retry(verb, retryReason(err)) } : {}),
        },
      ),
    );
  }

  #refuseWrite(name: string): void {
    if (this.#s.readOnly) {
      throw omsmError(
        'OMSM_ERR_SECRET_READ_ONLY',
        `cannot write Secret "${name}": the provider is read-only`,
        {
          secretName: name,
          namespace: this.namespace,
        },
      );
    }
  }

  #assertOurs(existing: SecretObject, name: string, secretId: string | undefined): void {
    const why = ownershipProblem(existing, secretId);
    if (why) {
      throw omsmError(
        'OMSM_ERR_SECRET_NOT_OURS',
        `Secret "${name}" in namespace "${this.namespace}" is not ours to change: ${why}; nothing was changed`,
        { secretName: name, secretId, namespace: this.namespace },
      );
    }
  }

  #nameOf(stored: string): string {
    if (!this.recognizes(stored)) {
      throw omsmError(
        'OMSM_ERR_REFERENCE_INVALID',
        'the kubernetes provider reads only secret:<name> references',
        {
          path: 'reference',
        },
      );
    }
    return parseReference(stored);
  }

  /** A short jittered pause between write rounds, so competing writers spread out. */
  async #pause(round: number, deadline: Deadline): Promise<void> {
    const wait = backoffMs(round, 5, 200, this.#s.random ?? Math.random);
    if (Date.now() + wait < deadline.at()) await (this.#s.sleep ?? defaultSleep)(wait);
  }

  #gaveUp(name: string, secretId: string | undefined) {
    return omsmError(
      'OMSM_ERR_SECRET_CONFLICT',
      `Secret "${name}" in namespace "${this.namespace}" kept changing under other writers; gave up after ${MAX_WRITE_ROUNDS} attempts`,
      { secretName: name, secretId, namespace: this.namespace, reason: 'Conflict' },
    );
  }
}

/**
 * One operation's time budget. The clock starts when its first call gets a concurrency slot, so
 * time spent queueing behind a bulk job's other operations does not count against it.
 */
class Deadline {
  #at: number | undefined;
  constructor(readonly ms: number) {}
  at(): number {
    this.#at ??= Date.now() + this.ms;
    return this.#at;
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The HTTP status of an error answer, or `transport` when none came (metrics label). */
function answerCode(err: OmsmError): string {
  const status = err.details.status;
  return typeof status === 'number' ? String(status) : 'transport';
}

/** Why a failed call is tried again (metrics label). */
function retryReason(err: unknown): string {
  const d = asOmsmError(err)?.details;
  if (typeof d?.status === 'number')
    return d.status === 429 ? 'throttled' : d.status >= 500 ? 'server_error' : String(d.status);
  return d?.transport === 'TIMEOUT' ? 'timeout' : 'network';
}
