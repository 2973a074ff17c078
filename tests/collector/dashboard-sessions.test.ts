import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_TTL_MS } from '../../collector/dashboard/sessions.js';
import { formPost, signIn } from './dashboard-session.js';
import { ADMIN_TOKEN, type TestCollector, testCollector } from './helpers.js';

const open: TestCollector[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function collector(options: Parameters<typeof testCollector>[0] = {}) {
  const t = await testCollector(options);
  open.push(t);
  return t;
}

const sessionRows = (t: TestCollector) => t.rows('SELECT * FROM dashboard_sessions');
const tokenOf = (session: string) => session.slice('sg_session='.length);
const digest = (token: string) =>
  createHmac('sha256', ADMIN_TOKEN).update(token).digest('base64url');
const page = (t: TestCollector, session: string) =>
  t.app.request('/app', { headers: { Cookie: session } });

describe('dashboard sessions in the database', () => {
  it('survive a collector restart on the same database file, CSRF token included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segmently-restart-'));
    dirs.push(dir);
    const first = await collector({ dir });
    const { session, csrf } = await signIn(first);
    expect((await page(first, session)).status).toBe(200);
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await collector({ dir });
    expect((await page(second, session)).status).toBe(200);
    const out = await second.app.request(
      '/app/logout',
      formPost({ _csrf: csrf }, { Cookie: session }),
    );
    expect(out.status).toBe(303);
    expect((await page(second, session)).status).toBe(302);
  });

  it('end when the admin token changes: a leaked token is revoked by replacing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segmently-rotate-'));
    dirs.push(dir);
    const first = await collector({ dir });
    const { session } = await signIn(first);
    await first.close();
    open.splice(open.indexOf(first), 1);

    const rotated = await collector({
      dir,
      env: { SEGMENTLY_ADMIN_TOKEN: 'replaced-admin-token-9876543210' },
    });
    const res = await page(rotated, session);
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toMatch(/^\/app\/login/);
  });

  it('store only an HMAC of the token, nowhere in clear in the database files', async () => {
    const t = await collector();
    const { session } = await signIn(t);
    const token = tokenOf(session);
    expect(token).toMatch(/^[\w-]{43}$/);
    const rows = await sessionRows(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(digest(token));
    for (const value of Object.values(rows[0] ?? {})) expect(String(value)).not.toContain(token);
    const files = Buffer.concat(
      ['test.db', 'test.db-wal']
        .map((file) => join(t.dir, file))
        .filter(existsSync)
        .map((path) => readFileSync(path)),
    );
    expect(files.includes(String(rows[0]?.token_hash))).toBe(true); // the scan sees the row
    expect(files.includes(token)).toBe(false);
  });

  it('sign-out deletes the row', async () => {
    const t = await collector();
    const kept = await signIn(t);
    const { session, csrf } = await signIn(t);
    expect(await sessionRows(t)).toHaveLength(2);
    await t.app.request('/app/logout', formPost({ _csrf: csrf }, { Cookie: session }));
    const rows = await sessionRows(t);
    expect(rows.map((r) => r.token_hash)).toEqual([digest(tokenOf(kept.session))]);
    expect((await page(t, kept.session)).status).toBe(200);
  });

  it('refuse and delete an expired session; a sign-in sweeps the other expired ones', async () => {
    let clock = Date.parse('2026-03-11T12:00:00Z');
    const t = await collector({ now: () => clock });
    const a = await signIn(t);
    const b = await signIn(t);
    const [row] = await sessionRows(t);
    expect(row).toMatchObject({ created_at: clock, expires_at: clock + SESSION_TTL_MS });

    clock += SESSION_TTL_MS - 1;
    expect((await page(t, a.session)).status).toBe(200);
    clock += 1;
    const refused = await page(t, a.session);
    expect(refused.status).toBe(302);
    expect(refused.headers.get('Location')).toBe('/app/login?next=%2Fapp');
    expect(await sessionRows(t)).toHaveLength(1); // a's row went on lookup, b's is still there

    await signIn(t); // b, expired too, goes with this sign-in
    const rows = await sessionRows(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.expires_at).toBe(clock + SESSION_TTL_MS);
    const post = await t.app.request(
      '/app/logout',
      formPost({ _csrf: b.csrf }, { Cookie: b.session }),
    );
    expect(post.status).toBe(401);
  });
});
