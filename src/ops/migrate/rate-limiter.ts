/**
 * @module ops/migrate/rate-limiter
 *
 * A token bucket for target writes (`--rate`): at most `perSecond` writes per second on average,
 * bursts up to one second's worth. Upstream paces Kubernetes writes at 10/s by default; omsm's
 * migration defaults higher because it also bounds concurrency and the provider retries 429s.
 */
export interface RateLimiter {
  /** Resolves when one more write may start. */
  take(): Promise<void>;
}

/** `perSecond` <= 0 means unlimited. */
export function createRateLimiter(
  perSecond: number,
  now: () => number = () => performance.now(),
): RateLimiter {
  if (!(perSecond > 0)) return { take: async () => {} };
  const capacity = Math.max(1, perSecond);
  let tokens = capacity;
  let last = now();
  // Waiters are served in order; each reserves its token up front, so the bucket may go negative
  // and the wait is exactly the time to refill what was reserved.
  return {
    async take(): Promise<void> {
      const t = now();
      tokens = Math.min(capacity, tokens + ((t - last) * perSecond) / 1000);
      last = t;
      tokens -= 1;
      if (tokens >= 0) return;
      const waitMs = (-tokens * 1000) / perSecond;
      await new Promise((r) => setTimeout(r, Math.ceil(waitMs)));
    },
  };
}
