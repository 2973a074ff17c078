import { afterEach, describe, expect, it } from 'vitest';
import { createTokenBuckets } from '../../collector/ingest/rate-limit.js';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

describe('token buckets', () => {
  it('spends the burst, refuses with the seconds to wait, and refills with time', () => {
    let now = 0;
    const buckets = createTokenBuckets({ perSecond: 2, burst: 4, now: () => now });
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([0, 0, 0, 0]);
    expect(buckets.take('a')).toBe(1);
    expect(buckets.take('b')).toBe(0);
    now = 500;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a', 3)).toBe(2);
    now = 10_000;
    expect(buckets.take('a', 4)).toBe(0);
  });

  it('lets a cost larger than the bucket through when full, then makes it wait', () => {
    let now = 0;
    const buckets = createTokenBuckets({ perSecond: 10, burst: 10, now: () => now });
    expect(buckets.take('a', 25)).toBe(0);
    expect(buckets.take('a', 1)).toBe(2);
    now = 2_600;
    expect(buckets.take('a', 1)).toBe(0);
  });

  it('keeps at most maxKeys buckets, forgetting idle ones and keeping busy ones', () => {
    const buckets = createTokenBuckets({ perSecond: 1, burst: 1, now: () => 0, maxKeys: 4 });
    expect(buckets.take('busy')).toBe(0);
    expect(buckets.take('idle')).toBe(0);
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
      buckets.take(key);
      expect(buckets.take('busy')).toBe(1); // still empty: remembered
    }
    expect(buckets.take('idle')).toBe(0); // forgotten: full again
  });

  it('is off when the rate is 0', () => {
    const buckets = createTokenBuckets({ perSecond: 0, burst: 1, now: () => 0 });
    expect([1, 2, 3].map(() => buckets.take('a', 100))).toEqual([0, 0, 0]);
  });
});

describe('rate limits on ingest', () => {
  let t: TestCollector;
  afterEach(() => t.close());

  it('answers 429 with Retry-After per client IP, other addresses unaffected', async () => {
    let now = 1_000_000;
    t = await testCollector({
      now: () => now,
      env: { TRUST_PROXY: 'true', RATE_LIMIT_IP_REQUESTS_PER_SEC: '1', RATE_LIMIT_IP_BURST: '2' },
    });
    const from = (ip: string) =>
      t.post('/v1/batch', { batch: [trackEvent()] }, { ...t.basic(), 'X-Forwarded-For': ip });
    expect((await from('198.51.100.1')).status).toBe(200);
    expect((await from('198.51.100.1')).status).toBe(200);
    const limited = await from('198.51.100.1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('1');
    expect((await limited.json()).error).toMatchObject({
      code: 'rate_limited',
      details: { scope: 'ip' },
    });
    expect((await from('198.51.100.2')).status).toBe(200);
    // A made-up address in front of the one the proxy appended changes nothing.
    expect((await from('192.0.2.1, 198.51.100.1')).status).toBe(429);
    now += 1_000;
    expect((await from('198.51.100.1')).status).toBe(200);
    expect(await t.rows()).toHaveLength(4);
  });

  it('gives an IPv6 sender one bucket per /64, not one per address', async () => {
    t = await testCollector({
      now: () => 1_000_000,
      env: { TRUST_PROXY: 'true', RATE_LIMIT_IP_REQUESTS_PER_SEC: '1', RATE_LIMIT_IP_BURST: '2' },
    });
    const from = (ip: string) =>
      t.post('/v1/batch', { batch: [trackEvent()] }, { ...t.basic(), 'X-Forwarded-For': ip });
    expect((await from('2001:db8:1:2::1')).status).toBe(200);
    expect((await from('2001:db8:1:2:ffff::7')).status).toBe(200);
    expect((await from('2001:0db8:0001:0002:abcd::9')).status).toBe(429);
    expect((await from('2001:db8:1:3::1')).status).toBe(200);
  });

  it('keys an IPv4 address written as IPv6 (mapped, any case or spelling) as the IPv4 address', async () => {
    t = await testCollector({
      now: () => 1_000_000,
      env: { TRUST_PROXY: 'true', RATE_LIMIT_IP_REQUESTS_PER_SEC: '1', RATE_LIMIT_IP_BURST: '2' },
    });
    const from = (ip: string) =>
      t.post('/v1/batch', { batch: [trackEvent()] }, { ...t.basic(), 'X-Forwarded-For': ip });
    expect((await from('::FFFF:198.51.100.1')).status).toBe(200);
    expect((await from('0:0:0:0:0:ffff:198.51.100.2')).status).toBe(200);
    expect((await from('::ffff:198.51.100.3')).status).toBe(200);
    expect((await from('198.51.100.1')).status).toBe(200);
    expect((await from('::ffff:198.51.100.1')).status).toBe(429);
    const rows = await t.rows('SELECT DISTINCT ip_truncated FROM events');
    expect(rows.map((r) => r.ip_truncated)).toEqual(['198.51.100.0']);
  });

  it('limits consent decisions per address in buckets of their own, which events do not spend', async () => {
    t = await testCollector({
      now: () => 1_000_000,
      env: {
        TRUST_PROXY: 'true',
        RATE_LIMIT_IP_REQUESTS_PER_SEC: '1',
        RATE_LIMIT_IP_BURST: '2',
        RATE_LIMIT_SOURCE_EVENTS_PER_SEC: '1',
        RATE_LIMIT_SOURCE_BURST: '1',
      },
    });
    const from = (ip: string) => ({ ...t.basic(), 'X-Forwarded-For': ip });
    const decide = (ip: string, id: string) =>
      t.post(
        '/v1/consent',
        { id, anonymousId: id, categories: {}, revision: 1, source: 'banner', givenAt: 1 },
        from(ip),
      );
    // Events use up the address's and the source's budgets…
    for (const _ of [1, 2])
      await t.post('/v1/batch', { batch: [trackEvent()] }, from('198.51.100.1'));
    expect(
      (await t.post('/v1/batch', { batch: [trackEvent()] }, from('198.51.100.1'))).status,
    ).toBe(429);
    // …and the visitor's decisions are still taken, up to the address's own consent budget.
    expect((await decide('198.51.100.1', 'c1')).status).toBe(201);
    expect((await decide('198.51.100.1', 'c2')).status).toBe(201);
    const limited = await decide('198.51.100.1', 'c3');
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.details).toEqual({ scope: 'ip' });
    expect((await decide('198.51.100.2', 'c4')).status).toBe(201);
    expect(await t.rows('SELECT id FROM consent_records ORDER BY id')).toHaveLength(3);
  });

  it('answers 429 per source counted in events, leaving other sources alone', async () => {
    const now = 1_000_000;
    t = await testCollector({
      now: () => now,
      env: { RATE_LIMIT_SOURCE_EVENTS_PER_SEC: '10', RATE_LIMIT_SOURCE_BURST: '20' },
    });
    const other = await t.deps.sources.create({ name: 'Other' });
    const batch = { batch: Array.from({ length: 15 }, () => trackEvent()) };
    expect((await t.post('/v1/batch', batch, t.basic())).status).toBe(200);
    const limited = await t.post('/v1/batch', batch, t.basic());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('1');
    expect((await limited.json()).error.details).toEqual({ scope: 'source' });
    expect((await t.post('/v1/batch', batch, t.basic(other.writeKey))).status).toBe(200);
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toContain('segmently_requests_refused_total{code="rate_limited"} 1');
  });
});
