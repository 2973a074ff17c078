import { createRecentCache } from '../recent-cache.js';

export interface FailureThrottleOptions {
  now: () => number;
  /** Failures allowed before the first wait (default 5). */
  freeFailures?: number;
  /** The first wait; each further failure doubles it, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A key whose last failure is this old starts afresh. */
  forgetAfterMs?: number;
  /** Keys kept at most; the ones unused longest are forgotten first (recent-cache.ts). */
  maxKeys?: number;
}

/**
 * Failed attempts at a secret per client key, with exponential backoff: after `freeFailures`
 * failures in a row the client waits 30 s, then 60 s, 120 s … (15 min at most) before its
 * next attempt is even checked; a success forgets it. Token buckets (ingest/rate-limit.ts)
 * do not fit here: they cannot look without spending, nor reset.
 */
export function createFailureThrottle({
  now,
  freeFailures = 5,
  baseDelayMs = 30_000,
  maxDelayMs = 15 * 60_000,
  forgetAfterMs = 60 * 60_000,
  maxKeys = 10_000,
}: FailureThrottleOptions) {
  const clients = createRecentCache<{ failures: number; lastAt: number; until: number }>(maxKeys);

  const current = (key: string) => {
    const c = clients.get(key);
    if (c && now() - c.lastAt >= Math.max(forgetAfterMs, c.until - c.lastAt)) {
      clients.delete(key);
      return undefined;
    }
    return c;
  };

  return {
    /** Seconds the client must wait before its next attempt is checked; 0 = go ahead. */
    retryAfter(key: string): number {
      const wait = (current(key)?.until ?? 0) - now();
      return wait > 0 ? Math.ceil(wait / 1000) : 0;
    },
    failed(key: string) {
      const t = now();
      const c = current(key) ?? { failures: 0, lastAt: t, until: 0 };
      c.failures++;
      c.lastAt = t;
      const over = c.failures - freeFailures;
      if (over >= 0) c.until = t + Math.min(maxDelayMs, baseDelayMs * 2 ** over);
      clients.set(key, c);
    },
    succeeded(key: string) {
      clients.delete(key);
    },
  };
}

export type FailureThrottle = ReturnType<typeof createFailureThrottle>;
