import { Hono } from 'hono';
import type { TokenGuard } from '../admin/auth.js';
import { assertSameOrigin, endSession, safeNext, startSession } from './auth.js';
import { html, Shell } from './layout.js';
import type { SessionStore } from './sessions.js';

function LoginPage(props: { next: string; error?: string }) {
  return (
    <Shell title="Sign in">
      <form class="card login" method="post" action="/app/login">
        <p>Sign in with the collector's admin token (printed when the collector starts).</p>
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <input type="hidden" name="next" value={props.next} />
        <label>
          Admin token
          <input type="password" name="token" autocomplete="current-password" required autofocus />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </Shell>
  );
}

interface LoginOptions {
  adminToken: string;
  sessions: SessionStore;
  ttlMs: number;
  /** Failed attempts per client network, shared with the API's Bearer checks. */
  guard: TokenGuard;
  /** TRUST_PROXY: proxies in front whose X-Forwarded-Host is believed. */
  proxyHops: number;
}

/**
 * Login with the admin token → server-side session cookie; logout ends the session. Repeated
 * failures from one client get 429 + Retry-After, checked before the token is.
 */
export function loginRoutes(opts: LoginOptions) {
  const app = new Hono();

  app.get('/login', (c) => c.html(html(<LoginPage next={safeNext(c.req.query('next'))} />)));

  app.post('/login', async (c) => {
    assertSameOrigin(c, opts.proxyHops);
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const wait = opts.guard.wait(c);
    if (wait > 0) {
      const error = `Too many failed sign-ins: try again in ${wait} s.`;
      c.header('Retry-After', String(wait));
      return c.html(html(<LoginPage next={next} error={error} />), 429);
    }
    if (!opts.guard.check(c, token, opts.adminToken)) {
      return c.html(html(<LoginPage next={next} error="That token is not right." />), 401);
    }
    await startSession(c, opts.sessions, opts.ttlMs);
    return c.redirect(next, 303);
  });

  return app;
}

/** Sign out (mounted behind the session guard, so it needs the CSRF token). */
export function logoutRoute(sessions: SessionStore) {
  const app = new Hono();
  app.post('/logout', async (c) => {
    await endSession(c, sessions);
    return c.redirect('/app/login', 303);
  });
  return app;
}
