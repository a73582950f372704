/**
 * @module kubernetes/retry
 *
 * The retry policy for one Kubernetes call inside one operation's deadline. What to retry is decided
 * here; errors only carry hints (apimachinery's `SuggestsClientDelay` split):
 * - 429, 5xx, dropped connections and timeouts (`details.retryable`): again after a backoff with
 *   full jitter (AWS "Exponential Backoff And Jitter"), or after `Retry-After` when the server gave
 *   one; never past the deadline: when the wait would cross it, the last error is thrown at once.
 * - Everything else (401, 403, 404, 409, 422...) is thrown at once. A stale-resourceVersion 409 is
 *   not retried here: the provider re-reads and rebuilds the write (kubernetes-provider.ts).
 *
 * Each attempt gets its own timeout (a third of the whole budget by default) so one hung
 * connection cannot eat the deadline and leave no room for a retry.
 */
import { omsmError } from '../core/errors.js';
import { isRetryable } from './error-mapper.js';
import { asOmsmError } from '../core/errors.js';

export interface RetryOptions {
  /** Absolute time (ms since epoch) after which no attempt starts and no wait is made. */
  readonly deadline: number;
  /** Longest single attempt, ms. */
  readonly attemptTimeoutMs: number;
  /** First backoff ceiling, ms (doubles per attempt). */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling, ms. */
  readonly maxDelayMs?: number;
  /** Injected for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Called with the (mapped) error before each wait for another attempt (metrics). */
  readonly onRetry?: (err: unknown) => void;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Full-jitter backoff: a uniform wait in [0, min(max, base·2^attempt)]. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number): number {
  return random() * Math.min(max, base * 2 ** attempt);
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the deadline passes. `attempt` receives the
 * attempt's timeout in ms (the transport enforces it with one timer; an AbortSignal per attempt
 * cost more CPU than the request itself) and must throw already-mapped OmsmErrors.
 * @throws the last OmsmError; OMSM_ERR_SECRET_UNAVAILABLE when the deadline passed before any try.
 */
export async function withRetry<T>(
  attempt: (timeoutMs: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const base = options.baseDelayMs ?? 25;
  const max = options.maxDelayMs ?? 2000;
  let lastError: unknown;
  for (let n = 0; ; n++) {
    const remaining = options.deadline - now();
    if (remaining <= 0) {
      throw (
        lastError ??
        omsmError('OMSM_ERR_SECRET_UNAVAILABLE', 'the request deadline passed before the Kubernetes call', {
          retryable: true,
        })
      );
    }
    const timeoutMs = Math.max(1, Math.ceil(Math.min(remaining, options.attemptTimeoutMs)));
    try {
      return await attempt(timeoutMs);
    } catch (err) {
      if (!isRetryable(err)) throw err;
      lastError = err;
      const hinted = asOmsmError(err)?.details.retryAfterSeconds;
      const wait =
        typeof hinted === 'number'
          ? hinted * 1000 + random() * base // the server's wish, spread a little so callers do not stampede
          : backoffMs(n, base, max, random);
      if (now() + wait >= options.deadline) throw err;
      options.onRetry?.(err);
      await sleep(wait);
    }
  }
}
