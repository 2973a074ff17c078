import { createRecentCache } from '../recent-cache.js';

export interface BucketOptions {
  /** Tokens added per second; 0 turns the limit off. */
  perSecond: number;
  /** Bucket size: how much may be spent at once after a quiet period. */
  burst: number;
  now: () => number;
  /** Buckets kept at most; the ones idle longest are forgotten first. */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * In-memory token buckets keyed by source or IP. `take` spends `cost` tokens and answers 0,
 * or refuses and answers the seconds to wait before that many tokens are there again.
 * Buckets idle longest are forgotten first (recent-cache.ts).
 */
export function createTokenBuckets({ perSecond, burst, now, maxKeys = 100_000 }: BucketOptions) {
  const buckets = createRecentCache<Bucket>(maxKeys);

  function bucketOf(key: string, t: number): Bucket {
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { tokens: burst, at: t };
      buckets.set(key, bucket);
    }
    return bucket;
  }

  return {
    take(key: string, cost = 1): number {
      if (perSecond <= 0) return 0;
      const t = now();
      const bucket = bucketOf(key, t);
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
      // A request costing more than the whole bucket passes when the bucket is full and
      // leaves it in debt, so an oversized batch is slowed down, never refused forever.
      if (bucket.tokens >= Math.min(cost, burst)) {
        bucket.tokens -= cost;
        return 0;
      }
      return Math.max(1, Math.ceil((Math.min(cost, burst) - bucket.tokens) / perSecond));
    },
  };
}

export type TokenBuckets = ReturnType<typeof createTokenBuckets>;
