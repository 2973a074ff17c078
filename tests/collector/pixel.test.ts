import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

let t: TestCollector;
beforeEach(async () => {
  t = await testCollector();
});
afterEach(() => t.close());

const d = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const pixel = (query: string, headers: Record<string, string> = {}) =>
  t.app.request(`/v1/p.gif${query}`, { headers });

async function expectGif(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get('Content-Type')).toBe('image/gif');
  expect(res.headers.get('Cache-Control')).toContain('no-store');
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(bytes.subarray(0, 6).toString()).toBe('GIF89a');
  expect(bytes.readUInt16LE(6)).toBe(1); // 1×1
  expect(bytes.readUInt16LE(8)).toBe(1);
}

describe('GET /v1/p.gif', () => {
  it('ingests a batch body through the same path as POST /v1/batch', async () => {
    const good = trackEvent({ properties: { text: 'ünïcødé ✓' } });
    const bad = trackEvent({ event: undefined });
    await expectGif(await pixel(`?d=${d({ writeKey: t.source.writeKey, batch: [good, bad] })}`));
    const rows = await t.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ message_id: good.messageId, event: 'AddToCart' });
    expect(JSON.parse(String(rows[0]?.properties)).text).toBe('ünïcødé ✓');
    const failed = await t.rows('SELECT * FROM failed_events');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.code).toBe('invalid_event');
  });

  it('stores a lone surrogate escape as U+FFFD, as POST bodies do', async () => {
    const event = { writeKey: t.source.writeKey, type: 'page', anonymousId: 'visitor-\ud800' };
    await expectGif(await pixel(`?d=${d(event)}`));
    const [row] = await t.rows('SELECT hex(anonymous_id) AS id FROM events');
    expect(row?.id).toBe(Buffer.from('visitor-\ufffd').toString('hex').toUpperCase());
  });

  it('takes one event and fills page, user agent and an anonymous id (noscript)', async () => {
    const event = { writeKey: t.source.writeKey, type: 'page' };
    const headers = {
      Referer: 'https://shop.example/pricing?plan=pro',
      'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
    };
    await expectGif(await pixel(`?d=${d(event)}`, headers));
    await expectGif(await pixel(`?d=${d({ ...event, anonymousId: 'mine' })}`, headers));
    const [row, second] = await t.rows();
    expect(row).toMatchObject({ type: 'page', source_id: t.source.id });
    expect(String(row?.anonymous_id)).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.anonymous_id).toBe('mine');
    expect(JSON.parse(String(row?.context))).toMatchObject({
      page: { url: 'https://shop.example/pricing?plan=pro', path: '/pricing', search: '?plan=pro' },
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
    });
  });

  it('answers the GIF even for garbage, a bad key or nothing, stores nothing and counts why', async () => {
    for (const query of [
      '',
      '?d=%%%',
      `?d=${Buffer.from('not json').toString('base64url')}`,
      `?d=${d({ writeKey: 'nope', type: 'page' })}`,
      `?d=${'A'.repeat(20_000)}`,
    ])
      await expectGif(await pixel(query));
    expect(await t.rows()).toHaveLength(0);
    const metrics = t.deps.metrics.render();
    for (const [code, n] of [
      ['missing_data', 1],
      ['invalid_json', 2],
      ['invalid_write_key', 1],
      ['payload_too_large', 1],
    ])
      expect(metrics).toContain(`segmently_pixel_failures_total{code="${code}"} ${n}`);
  });

  it('answers a rate-limited pixel with 429 and no image, so the sender keeps its events', async () => {
    await t.close();
    t = await testCollector({
      env: { RATE_LIMIT_SOURCE_EVENTS_PER_SEC: '1', RATE_LIMIT_SOURCE_BURST: '1' },
    });
    const event = () => d({ ...trackEvent(), writeKey: t.source.writeKey });
    await expectGif(await pixel(`?d=${event()}`));
    const limited = await pixel(`?d=${event()}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Content-Type')).not.toBe('image/gif');
    expect(limited.headers.get('Retry-After')).toBe('1');
    expect(await t.rows()).toHaveLength(1);
  });

  it('answers 503 and no image when the events could not be stored, so the sender keeps them, and /health says so', async () => {
    await t.rows(
      "CREATE TRIGGER full_disk BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const event = d({ ...trackEvent(), writeKey: t.source.writeKey });
    const failed = await pixel(`?d=${event}`);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('Content-Type')).not.toBe('image/gif');
    const posted = await t.post('/v1/batch', { batch: [trackEvent()] }, t.basic());
    expect(posted.status).toBe(503);
    expect(posted.headers.get('Retry-After')).toBe('1');
    expect((await posted.json()).error.code).toBe('storage_unavailable');
    const health = await t.app.request('/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'storage_failing' });
    await t.rows('DROP TRIGGER full_disk');
    await expectGif(await pixel(`?d=${event}`));
    expect(await t.rows()).toHaveLength(1);
    expect((await t.app.request('/health')).status).toBe(200);
  });
});
