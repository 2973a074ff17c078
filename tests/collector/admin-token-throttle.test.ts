import { afterEach, describe, expect, it } from 'vitest';
import { sameSecret } from '../../collector/admin/auth.js';
import { createFailureThrottle } from '../../collector/admin/failure-throttle.js';
import { formPost } from './dashboard-session.js';
import { ADMIN_TOKEN, type TestCollector, testCollector } from './helpers.js';

describe('failure throttle (pure, on a moved clock)', () => {
  let clock = 0;
  const throttle = () => createFailureThrottle({ now: () => clock });

  it('lets 5 failures through, then waits 30 s, doubling with each further failure', () => {
    clock = 0;
    const t = throttle();
    for (let i = 0; i < 4; i++) t.failed('ip');
    expect(t.retryAfter('ip')).toBe(0);
    t.failed('ip');
    expect(t.retryAfter('ip')).toBe(30);
    clock += 30_000;
    expect(t.retryAfter('ip')).toBe(0);
    t.failed('ip');
    expect(t.retryAfter('ip')).toBe(60);
    clock += 60_000;
    t.failed('ip');
    expect(t.retryAfter('ip')).toBe(120);
    expect(t.retryAfter('other')).toBe(0);
  });

  it('caps the wait at 15 minutes and forgets a client after an hour of quiet', () => {
    clock = 0;
    const t = throttle();
    for (let i = 0; i < 20; i++) t.failed('ip');
    expect(t.retryAfter('ip')).toBe(15 * 60);
    clock += 60 * 60_000;
    t.failed('ip');
    expect(t.retryAfter('ip')).toBe(0);
  });

  it('forgets the failures on success', () => {
    clock = 0;
    const t = throttle();
    for (let i = 0; i < 4; i++) t.failed('ip');
    t.succeeded('ip');
    for (let i = 0; i < 4; i++) t.failed('ip');
    expect(t.retryAfter('ip')).toBe(0);
  });
});

describe('POST /app/login throttling', () => {
  let t: TestCollector;
  let clock = Date.parse('2026-03-11T12:00:00Z');
  afterEach(() => t?.close());

  const attempt = (token: string, ip: string) =>
    t.app.request('/app/login', formPost({ token }, { 'X-Forwarded-For': ip }));

  it('answers 429 + Retry-After after 5 failures from one network, even for the right token', async () => {
    t = await testCollector({ now: () => clock, env: { TRUST_PROXY: 'true' } });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong', '203.0.113.7')).status).toBe(401);

    const refused = await attempt(ADMIN_TOKEN, '203.0.113.9'); // same /24
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('30');
    expect(refused.headers.get('Set-Cookie')).toBeNull();
    expect(await refused.text()).toContain('Too many failed sign-ins');

    expect((await attempt(ADMIN_TOKEN, '198.51.100.1')).status).toBe(303); // another network

    // A client writing a fresh X-Forwarded-For each time stays the address the proxy saw.
    const forged = await attempt(ADMIN_TOKEN, '192.0.2.55, 203.0.113.7');
    expect(forged.status).toBe(429);

    clock += 30_000;
    expect((await attempt(ADMIN_TOKEN, '203.0.113.7')).status).toBe(303);
    // The success reset the count: four more mistakes are answered 401, not 429.
    for (let i = 0; i < 4; i++) expect((await attempt('wrong', '203.0.113.7')).status).toBe(401);
  });
});

describe('Bearer token throttling on /api/v1 and /metrics', () => {
  const METRICS_TOKEN = 'metrics-token-0123456789';
  let t: TestCollector;
  let clock = Date.parse('2026-03-11T12:00:00Z');
  afterEach(() => t?.close());

  const get = (path: string, token: string, ip: string) =>
    t.app.request(path, { headers: { Authorization: `Bearer ${token}`, 'X-Forwarded-For': ip } });

  it('answers 429 + Retry-After after 5 wrong admin tokens, then resets on success', async () => {
    t = await testCollector({ now: () => clock, env: { TRUST_PROXY: 'true' } });
    for (let i = 0; i < 5; i++) {
      expect((await get('/api/v1/sources', 'wrong', '203.0.113.7')).status).toBe(401);
    }
    const refused = await get('/api/v1/sources', ADMIN_TOKEN, '203.0.113.9'); // same /24
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('30');
    expect((await refused.json()).error.code).toBe('too_many_failures');
    // A request without a token is no guess: still 401, and not counted.
    const bare = await t.app.request('/api/v1/sources', {
      headers: { 'X-Forwarded-For': '203.0.113.7' },
    });
    expect(bare.status).toBe(401);

    expect((await get('/api/v1/sources', ADMIN_TOKEN, '198.51.100.1')).status).toBe(200);
    clock += 30_000;
    expect((await get('/api/v1/sources', ADMIN_TOKEN, '203.0.113.7')).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      expect((await get('/api/v1/sources', 'wrong', '203.0.113.7')).status).toBe(401);
    }
  });

  it('counts sign-in, API and metrics failures in one throttle', async () => {
    t = await testCollector({ now: () => clock, env: { TRUST_PROXY: 'true', METRICS_TOKEN } });
    const ip = '203.0.113.7';
    for (let i = 0; i < 2; i++) {
      const login = formPost({ token: 'wrong' }, { 'X-Forwarded-For': ip });
      expect((await t.app.request('/app/login', login)).status).toBe(401);
    }
    for (let i = 0; i < 2; i++)
      expect((await get('/api/v1/sources', 'wrong', ip)).status).toBe(401);
    expect((await get('/metrics', 'wrong', ip)).status).toBe(401);

    const metrics = await get('/metrics', METRICS_TOKEN, ip);
    expect(metrics.status).toBe(429);
    expect(metrics.headers.get('Retry-After')).toBe('30');
    const login = formPost({ token: ADMIN_TOKEN }, { 'X-Forwarded-For': ip });
    expect((await t.app.request('/app/login', login)).status).toBe(429);
  });

  it('takes the Bearer scheme in any case', async () => {
    t = await testCollector({ env: { METRICS_TOKEN } });
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const headers = { Authorization: `${scheme} ${ADMIN_TOKEN}` };
      expect((await t.app.request('/api/v1/sources', { headers })).status).toBe(200);
      const metrics = { Authorization: `${scheme} ${METRICS_TOKEN}` };
      expect((await t.app.request('/metrics', { headers: metrics })).status).toBe(200);
    }
  });
});

describe('sameSecret', () => {
  it('compares secrets of any lengths', () => {
    expect(sameSecret('a-secret', 'a-secret')).toBe(true);
    expect(sameSecret('a-secret', 'a-secreT')).toBe(false);
    expect(sameSecret('a-secret', 'a-secret-but-longer')).toBe(false);
    expect(sameSecret('', 'a-secret')).toBe(false);
  });
});
