import { ADMIN_TOKEN, type TestCollector } from './helpers.js';

/** A url-encoded form POST, as the dashboard's pages send them. */
export const formPost = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body: new URLSearchParams(fields).toString(),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
});

/** Signs in with the admin token: the login answer, its session cookie and the page's CSRF token. */
export async function signIn(t: TestCollector, base = 'http://localhost') {
  const res = await t.app.request(
    `${base}/app/login`,
    formPost({ token: ADMIN_TOKEN, next: '/app' }),
  );
  const cookie = res.headers.get('Set-Cookie') ?? '';
  const session = cookie.split(';')[0] ?? '';
  const page = await t.app.request(`${base}/app`, { headers: { Cookie: session } });
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return { res, cookie, session, csrf };
}
