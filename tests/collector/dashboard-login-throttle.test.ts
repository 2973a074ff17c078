import { afterEach, describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../../collector/dashboard/login-throttle.js';
import { formPost } from './dashboard-session.js';
import { ADMIN_TOKEN, type TestCollector, testCollector } from './helpers.js';

describe('login throttle (pure, on a moved clock)', () => {
  let clock = 0;
  const throttle = () => createLoginThrottle({ now: () => clock });

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

    clock += 30_000;
    expect((await attempt(ADMIN_TOKEN, '203.0.113.7')).status).toBe(303);
    // The success reset the count: four more mistakes are answered 401, not 429.
    for (let i = 0; i < 4; i++) expect((await attempt('wrong', '203.0.113.7')).status).toBe(401);
  });
});
