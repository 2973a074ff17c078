import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { clientIp, truncateIp } from '../ingest/client-ip.js';
import { createFailureThrottle } from './failure-throttle.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Constant-time comparison of two secrets. Both are hashed first: comparing the raw strings
 * would answer at once when their lengths differ, telling a guesser the secret's length.
 */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case), or ''. */
export function bearerToken(header: string | undefined): string {
  return /^bearer +(.+)$/i.exec(header ?? '')?.[1] ?? '';
}

/**
 * Attempts at the admin token (and the metrics token) per client network, the truncated
 * IP: every door to them (dashboard sign-in, `/api/v1`, `/metrics`) counts failures into
 * this one throttle, so spreading guesses over the doors gains nothing.
 */
export function createTokenGuard(deps: Pick<AppDeps, 'now' | 'ingest'>) {
  const throttle = createFailureThrottle({ now: deps.now });
  const clientKey = (c: Context) => truncateIp(clientIp(c, deps.ingest.trustProxy)) ?? 'unknown';
  return {
    /** Seconds the client must wait before its next attempt is even checked; 0 = check it. */
    wait: (c: Context) => throttle.retryAfter(clientKey(c)),
    /** Is `given` the `secret`? A failure counts against the client, a success resets it. */
    check(c: Context, given: string, secret: string): boolean {
      const ok = given !== '' && sameSecret(given, secret);
      if (ok) throttle.succeeded(clientKey(c));
      else throttle.failed(clientKey(c));
      return ok;
    },
  };
}

export type TokenGuard = ReturnType<typeof createTokenGuard>;

/**
 * `Authorization: Bearer <token>`, or 401 `unauthorized` naming which token (`admin`, …).
 * A client over its failure limit gets 429 `too_many_failures` + Retry-After before its token
 * is compared; a request without a token is no guess and is not counted.
 */
export function bearerAuth(token: string, which: string, guard: TokenGuard) {
  return createMiddleware(async (c, next) => {
    const given = bearerToken(c.req.header('Authorization'));
    if (given) {
      const wait = guard.wait(c);
      if (wait > 0) {
        const message = `Too many wrong tokens from this network: try again in ${wait} s`;
        throw new ApiError(429, 'too_many_failures', message, undefined, {
          'Retry-After': String(wait),
        });
      }
      if (guard.check(c, given, token)) return next();
    }
    const message = `A valid ${which} Bearer token is required`;
    throw new ApiError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer' });
  });
}

/** `Authorization: Bearer $SEGMENTLY_ADMIN_TOKEN` on every admin route. */
export const adminAuth = (token: string, guard: TokenGuard) => bearerAuth(token, 'admin', guard);
