/**
 * @module test/support/fake-secrets-api
 *
 * An in-memory `SecretsApi` for unit tests (here and in ingestion/ops). It behaves like the API
 * server for what the port covers and throws real-shaped client-node `ApiException`s (raw Status
 * text as `body`, lower-case headers), so the error mapper is exercised exactly as in production.
 * Objects are deep-copied in and out, as external-secrets' fake does, so tests cannot share state
 * with the provider by accident. `fail` injects errors for the next calls; `calls` records verbs.
 */
import { ApiException } from '@kubernetes/client-node';
import type { SecretObject } from '../../src/kubernetes/secret-format.js';
import type { AccessReview, AccessReviewApi, SecretsApi } from '../../src/kubernetes/secrets-api.js';

export type FakeVerb = 'get' | 'create' | 'update' | 'delete';

/** A client-node ApiException carrying a Kubernetes Status, as the generated client throws it. */
export function apiException(
  code: number,
  reason: string,
  message: string,
  extra: { headers?: Record<string, string>; details?: Record<string, unknown> } = {},
): ApiException<string> {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(extra.details ? { details: extra.details } : {}),
    code,
  });
  return new ApiException<string>(code, 'Unknown API Status Code!', body, {
    'content-type': 'application/json',
    ...(extra.headers ?? {}),
  });
}

const copy = <T>(v: T): T => structuredClone(v);

export class FakeSecretsApi implements SecretsApi {
  readonly objects = new Map<string, SecretObject>();
  readonly calls: FakeVerb[] = [];
  /** Errors (or error factories) thrown by the next calls of a verb, in order. */
  readonly #faults: { verb: FakeVerb | '*'; error: () => unknown }[] = [];
  /** Runs after a GET returns, before the caller continues: simulates a concurrent writer. */
  afterRead: ((name: string) => void) | undefined;
  #rv = 100;
  closed = false;

  key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  /** Puts an object as if someone else created it (kubectl, upstream). */
  seed(namespace: string, secret: SecretObject): void {
    const name = secret.metadata?.name ?? '';
    this.objects.set(this.key(namespace, name), {
      ...copy(secret),
      metadata: {
        ...copy(secret.metadata),
        namespace,
        resourceVersion: String(++this.#rv),
        uid: `uid-${name}`,
      },
    });
  }

  fail(verb: FakeVerb | '*', error: unknown | (() => unknown), times = 1): void {
    for (let i = 0; i < times; i++) {
      this.#faults.push({
        verb,
        error: typeof error === 'function' ? (error as () => unknown) : () => error,
      });
    }
  }

  #maybeFail(verb: FakeVerb): void {
    this.calls.push(verb);
    const i = this.#faults.findIndex((f) => f.verb === verb || f.verb === '*');
    if (i >= 0) {
      const [f] = this.#faults.splice(i, 1);
      throw f!.error();
    }
  }

  #notFound(name: string): ApiException<string> {
    return apiException(404, 'NotFound', `secrets "${name}" not found`, {
      details: { name, kind: 'secrets' },
    });
  }

  async read(namespace: string, name: string): Promise<SecretObject> {
    this.#maybeFail('get');
    const o = this.objects.get(this.key(namespace, name));
    if (!o) throw this.#notFound(name);
    const out = copy(o);
    this.afterRead?.(name);
    return out;
  }

  async create(namespace: string, body: SecretObject): Promise<SecretObject> {
    this.#maybeFail('create');
    const name = body.metadata?.name ?? '';
    const k = this.key(namespace, name);
    if (this.objects.has(k)) {
      throw apiException(409, 'AlreadyExists', `secrets "${name}" already exists`, {
        details: { name, kind: 'secrets' },
      });
    }
    const stored = {
      ...copy(body),
      type: body.type ?? 'Opaque',
      metadata: {
        ...copy(body.metadata),
        namespace,
        resourceVersion: String(++this.#rv),
        uid: `uid-${name}`,
      },
    };
    this.objects.set(k, stored);
    return copy(stored);
  }

  async replace(namespace: string, name: string, body: SecretObject): Promise<SecretObject> {
    this.#maybeFail('update');
    const k = this.key(namespace, name);
    const cur = this.objects.get(k);
    if (!cur) throw this.#notFound(name);
    const rv = body.metadata?.resourceVersion;
    if (rv && rv !== cur.metadata?.resourceVersion) {
      throw apiException(
        409,
        'Conflict',
        `Operation cannot be fulfilled on secrets "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { details: { name, kind: 'secrets' } },
      );
    }
    const stored = {
      ...copy(body),
      metadata: {
        ...copy(body.metadata),
        namespace,
        resourceVersion: String(++this.#rv),
        uid: cur.metadata?.uid,
      },
    };
    this.objects.set(k, stored);
    return copy(stored);
  }

  async delete(namespace: string, name: string, precondition?: { resourceVersion?: string }): Promise<void> {
    this.#maybeFail('delete');
    const k = this.key(namespace, name);
    const cur = this.objects.get(k);
    if (!cur) throw this.#notFound(name);
    if (precondition?.resourceVersion && precondition.resourceVersion !== cur.metadata?.resourceVersion) {
      throw apiException(
        409,
        'Conflict',
        `Operation cannot be fulfilled on secrets "${name}": the ResourceVersion in the precondition (${precondition.resourceVersion}) does not match the ResourceVersion in record (${cur.metadata?.resourceVersion}). The object might have been modified`,
      );
    }
    this.objects.delete(k);
  }

  close(): void {
    this.closed = true;
  }
}

/** Access reviews answered from a fixed set of allowed verbs (or an error for every call). */
export class FakeAccessReviewApi implements AccessReviewApi {
  constructor(
    readonly allowed: ReadonlySet<string>,
    readonly error?: unknown,
  ) {}
  async canI(_namespace: string, verb: string): Promise<AccessReview> {
    if (this.error) throw this.error;
    return { allowed: this.allowed.has(verb) };
  }
}
