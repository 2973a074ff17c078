import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { sameSecret } from '../admin/auth.js';
import { ApiError } from '../errors.js';
import type { Session, SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'sg_session';
export type DashboardEnv = { Variables: { session: Session } };

const isHttps = (c: Context) =>
  new URL(c.req.url).protocol === 'https:' || c.req.header('X-Forwarded-Proto') === 'https';

export async function startSession(c: Context, sessions: SessionStore, ttlMs: number) {
  const session = await sessions.create();
  setCookie(c, SESSION_COOKIE, session.id, {
    path: '/app',
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    maxAge: Math.floor(ttlMs / 1000),
  });
  return session;
}

export async function endSession(c: Context, sessions: SessionStore) {
  const id = getCookie(c, SESSION_COOKIE);
  if (id) await sessions.delete(id);
  deleteCookie(c, SESSION_COOKIE, { path: '/app', secure: isHttps(c) });
}

/**
 * The host the browser asked for. Behind `proxyHops` trusted proxies (TRUST_PROXY), the one
 * the outermost of them forwarded: a proxy may send its upstream's name as Host.
 */
function requestedHost(c: Context, proxyHops: number): string {
  const forwarded = c.req.header('X-Forwarded-Host')?.split(',');
  const entry = proxyHops > 0 ? forwarded?.[Math.max(0, forwarded.length - proxyHops)] : undefined;
  return (entry?.trim() || c.req.header('Host') || new URL(c.req.url).host).toLowerCase();
}

const hostOf = (origin: string) => (URL.canParse(origin) ? new URL(origin).host : undefined);

/**
 * A same-origin post only: browsers send Origin on every cross-site POST. Hosts are compared,
 * not whole origins: behind a TLS proxy the request arrives as http while Origin says https.
 */
export function assertSameOrigin(c: Context, proxyHops: number) {
  const origin = c.req.header('Origin');
  if (origin && hostOf(origin) !== requestedHost(c, proxyHops)) {
    throw new ApiError(403, 'cross_origin', 'Cross-origin form posts are refused');
  }
}

/** Only paths inside the dashboard are followed after login (no open redirect). */
export function safeNext(next: string | undefined): string {
  return next && /^\/app(\/|$|\?)/.test(next) && !next.startsWith('//') ? next : '/app';
}

/**
 * Guards every dashboard page: no valid session → redirect to the login page; every
 * state-changing request must carry the session's CSRF token (form field or header).
 */
export function requireSession(sessions: SessionStore, proxyHops: number) {
  return createMiddleware<DashboardEnv>(async (c, next) => {
    const session = await sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session) {
      if (c.req.method !== 'GET') throw new ApiError(401, 'unauthorized', 'Sign in again');
      const url = new URL(c.req.url);
      const nextPath = encodeURIComponent(url.pathname + url.search);
      return c.redirect(`/app/login?next=${nextPath}`, 302);
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      assertSameOrigin(c, proxyHops);
      let given = c.req.header('X-CSRF-Token');
      if (!given && c.req.header('Content-Type')?.includes('form')) {
        const field = (await c.req.parseBody())._csrf;
        given = typeof field === 'string' ? field : undefined;
      }
      if (!given || !sameSecret(given, session.csrf)) {
        throw new ApiError(403, 'invalid_csrf_token', 'The form is stale: reload the page');
      }
    }
    c.set('session', session);
    await next();
  });
}
