import type { Context } from 'hono';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { clientIp, rateLimitKey } from './client-ip.js';
import { createTokenBuckets } from './rate-limit.js';

function rateLimited(scope: string, retryAfter: number): ApiError {
  return new ApiError(
    429,
    'rate_limited',
    `Too many ${scope === 'ip' ? 'requests from this address' : 'events for this source'}`,
    { scope },
    { 'Retry-After': String(retryAfter) },
  );
}

/**
 * The per-address and per-source rate limits (429 with Retry-After) of the routes a write key
 * posts to. Consent decisions have per-address buckets of their own: the SDK posts each
 * decision once, and a burst of events must not cost a visitor's decision its place in the
 * consent log.
 */
export function createRequestLimits({ now, ingest: options }: Pick<AppDeps, 'now' | 'ingest'>) {
  const perIp = createTokenBuckets({ ...options.ipRate, now });
  const consentPerIp = createTokenBuckets({ ...options.ipRate, now });
  const perSource = createTokenBuckets({ ...options.sourceRate, now });
  const limit = (buckets: typeof perIp) => (c: Context) => {
    const ip = clientIp(c, options.trustProxy);
    const wait = ip ? buckets.take(rateLimitKey(ip)) : 0;
    if (wait) throw rateLimited('ip', wait);
    return ip;
  };
  return {
    /** Spends one request of the sender's address; returns the address. */
    limitIp: limit(perIp),
    /** limitIp for consent decisions. */
    limitConsentIp: limit(consentPerIp),
    /** Spends `events` of the source's budget. */
    limitSource(sourceId: string, events: number) {
      const wait = perSource.take(sourceId, events);
      if (wait) throw rateLimited('source', wait);
    },
  };
}

export type RequestLimits = ReturnType<typeof createRequestLimits>;
