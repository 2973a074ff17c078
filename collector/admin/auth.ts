import { timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.js';

/** Constant-time comparison of two secrets. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `Authorization: Bearer <token>`, or 401 `unauthorized` naming which token (`admin`, …). */
export function bearerAuth(token: string, which: string) {
  return createMiddleware(async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!given || !sameSecret(given, token)) {
      const message = `A valid ${which} Bearer token is required`;
      throw new ApiError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer' });
    }
    await next();
  });
}

/** `Authorization: Bearer $SEGMENTLY_ADMIN_TOKEN` on every admin route. */
export const adminAuth = (token: string) => bearerAuth(token, 'admin');
