import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** The caller's address: the first X-Forwarded-For hop behind a proxy, else the socket's. */
export function clientIp(c: Context): string | undefined {
  const forwarded = c.req.header('X-Forwarded-For')?.split(',')[0]?.trim();
  if (forwarded) return forwarded;
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // no socket (app.request in tests)
  }
}
