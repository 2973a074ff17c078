import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.js';
import type { Source, SourceStore } from '../sources/store.js';

/**
 * A browser origin may post to a source listed in its `allowedOrigins` (or `*`); the
 * collector's own pages (the demo shop) are same-origin and always may.
 */
export function originAllowed(allowed: readonly string[], origin: string, host?: string): boolean {
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

const ALLOWED_ORIGIN = 'segmentlyAllowedOrigin';

/**
 * After authentication: refuses a browser request from an origin the source does not allow,
 * and gives an allowed one its CORS headers before the answer is built (adding them to a
 * built response costs the Node adapter its fast path).
 */
export function checkOrigin(c: Context, source: Source): void {
  const origin = c.req.header('Origin');
  if (!origin) return; // server-to-server
  const ok = originAllowed(source.allowedOrigins, origin, c.req.header('Host'));
  c.set(ALLOWED_ORIGIN, ok);
  if (!ok) {
    throw new ApiError(403, 'origin_not_allowed', `Origin ${origin} may not send to this source`);
  }
  for (const [k, v] of Object.entries(corsHeaders(origin))) c.header(k, v);
}

function corsHeaders(origin: string): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': 'Retry-After',
    Vary: 'Origin',
  };
}

/**
 * CORS for the ingest paths. A preflight carries no write key, so it is answered for an
 * origin that some source allows; the actual request is then checked against its own
 * source (`checkOrigin`). Requests without `Origin` (servers, curl) pass untouched.
 */
export function ingestCors(sources: SourceStore) {
  return createMiddleware(async (c, next) => {
    const origin = c.req.header('Origin');
    if (!origin) return next();
    const host = c.req.header('Host');
    const anyAllows = async () => originAllowed(await sources.allowedOrigins(), origin, host);
    if (c.req.method === 'OPTIONS') {
      if (!(await anyAllows())) {
        throw new ApiError(403, 'origin_not_allowed', `Origin ${origin} may not send here`);
      }
      return c.body(null, 204, {
        ...corsHeaders(origin),
        'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Content-Encoding',
        'Access-Control-Max-Age': '86400',
      });
    }
    await next();
    // Refused before its source was known (rate limit, bad body): readable by an origin
    // some source allows.
    if (c.get(ALLOWED_ORIGIN) === undefined && (await anyAllows())) {
      for (const [k, v] of Object.entries(corsHeaders(origin))) c.res.headers.set(k, v);
    }
  });
}
