import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeNext } from '../../collector/dashboard/auth.js';
import { formPost, signIn } from './dashboard-session.js';
import { ADMIN_TOKEN, type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
beforeAll(async () => {
  t = await testCollector();
});
afterAll(() => t?.close());

const login = (base?: string) => signIn(t, base);

describe('dashboard sign-in', () => {
  it('redirects an unauthenticated /app request to the login page, keeping the path', async () => {
    const res = await t.app.request('/app/live?source=x');
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe(
      `/app/login?next=${encodeURIComponent('/app/live?source=x')}`,
    );
    const loginPage = await t.app.request('/app/login');
    expect(loginPage.status).toBe(200);
    expect(await loginPage.text()).toContain('name="token"');
  });

  it('keeps answering 401 JSON on the API without a Bearer token, even with a session', async () => {
    const { session } = await login();
    const res = await t.app.request('/api/v1/sources', { headers: { Cookie: session } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('refuses a wrong token and sets a strict HttpOnly session cookie for the right one', async () => {
    const bad = await t.app.request('/app/login', formPost({ token: 'nope' }));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('Set-Cookie')).toBeNull();
    expect(await bad.text()).toContain('That token is not right.');

    const { res, cookie, session } = await login();
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/app');
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/app/);
    expect(cookie).not.toMatch(/Secure/);
    const page = await t.app.request('/app', { headers: { Cookie: session } });
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
  });

  it('marks the cookie Secure over https', async () => {
    const { cookie } = await login('https://collector.example');
    expect(cookie).toMatch(/Secure/);
  });

  it('rejects a cross-origin login post and an unknown cookie', async () => {
    const res = await t.app.request(
      '/app/login',
      formPost({ token: ADMIN_TOKEN }, { Origin: 'https://evil.example' }),
    );
    expect(res.status).toBe(403);
    const forged = await t.app.request('/app', { headers: { Cookie: 'sg_session=forged' } });
    expect(forged.status).toBe(302);
  });

  it('accepts a same-host login behind a TLS proxy that forwards plain http', async () => {
    const proxied = { Origin: 'https://c.example', 'X-Forwarded-Proto': 'https' };
    const res = await t.app.request(
      'http://c.example/app/login',
      formPost({ token: ADMIN_TOKEN, next: '/app' }, proxied),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('Set-Cookie')).toMatch(/Secure/);
    const foreign = await t.app.request(
      'http://c.example/app/login',
      formPost({ token: ADMIN_TOKEN }, { ...proxied, Origin: 'https://evil.example' }),
    );
    expect(foreign.status).toBe(403);
  });

  it('checks a signed-in post against the Host header, not the proxied request URL', async () => {
    const { session, csrf } = await login();
    const headers = { Cookie: session, Host: 'c.example', Origin: 'https://c.example' };
    const out = await t.app.request('/app/logout', formPost({ _csrf: csrf }, headers));
    expect(out.status).toBe(303);
    const again = await login();
    const foreign = await t.app.request(
      '/app/logout',
      formPost(
        { _csrf: again.csrf },
        { ...headers, Cookie: again.session, Origin: 'https://c.example.evil' },
      ),
    );
    expect(foreign.status).toBe(403);
  });

  it('requires the CSRF token to sign out, and signing out ends the session', async () => {
    const { session, csrf } = await login();
    expect(csrf).toHaveLength(43);
    const noToken = await t.app.request('/app/logout', formPost({}, { Cookie: session }));
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toMatchObject({ error: { code: 'invalid_csrf_token' } });
    const wrong = await t.app.request('/app/logout', formPost({ _csrf: 'x' }, { Cookie: session }));
    expect(wrong.status).toBe(403);
    const out = await t.app.request('/app/logout', formPost({ _csrf: csrf }, { Cookie: session }));
    expect(out.status).toBe(303);
    const after = await t.app.request('/app', { headers: { Cookie: session } });
    expect(after.status).toBe(302);
  });

  it('follows only dashboard paths after login', () => {
    expect(safeNext('/app/live?x=1')).toBe('/app/live?x=1');
    expect(safeNext('/app')).toBe('/app');
    expect(safeNext('https://evil.example/app')).toBe('/app');
    expect(safeNext('//evil.example')).toBe('/app');
    expect(safeNext('/apple')).toBe('/app');
    expect(safeNext(undefined)).toBe('/app');
  });
});

describe('dashboard sign-in behind a proxy that rewrites Host', () => {
  const proxied = {
    Host: 'localhost:3000',
    Origin: 'https://c.example',
    'X-Forwarded-Host': 'c.example',
  };
  const loginVia = async (env: Record<string, string>) => {
    const collector = await testCollector({ env });
    try {
      return (await collector.app.request('/app/login', formPost({ token: ADMIN_TOKEN }, proxied)))
        .status;
    } finally {
      await collector.close();
    }
  };

  it('believes X-Forwarded-Host only with TRUST_PROXY', async () => {
    expect(await loginVia({ TRUST_PROXY: 'true' })).toBe(303);
    expect(await loginVia({})).toBe(403);
  });
});

describe('request bodies outside ingest', () => {
  const huge = 'x'.repeat(2 * 1024 * 1024);
  const streamOf = (text: string) =>
    new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });

  it('refuses a sign-in form over the limit before reading it whole, with or without Content-Length', async () => {
    const sized = await t.app.request('/app/login', formPost({ token: huge }));
    expect(sized.status).toBe(413);
    expect(await sized.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    const chunked = await t.app.request('/app/login', {
      method: 'POST',
      body: streamOf(`token=${huge}`),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('refuses an admin API body over the limit', async () => {
    const res = await t.app.request('/api/v1/sources', {
      method: 'POST',
      body: JSON.stringify({ name: huge }),
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});
