import { afterEach, describe, expect, it } from 'vitest';
import { readBatch } from '../../collector/segments/catch-up-batch.js';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';
import { ANDROID, DESKTOP, HEADLESS, IPAD, IPHONE } from './user-agents.js';

let t: TestCollector;
afterEach(() => t.close());

describe('enrichment on ingest', () => {
  it('stores device type, OS, browser and locale from the event context in their own columns', async () => {
    t = await testCollector();
    await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ context: { userAgent: IPHONE, locale: 'de-DE' } }),
          trackEvent({ context: { userAgent: ANDROID, locale: 'pt-BR' } }),
          trackEvent({ context: { userAgent: DESKTOP } }),
        ],
      },
      t.basic(),
    );
    const rows = await t.rows();
    expect(rows.map((r) => [r.device_type, r.os, r.browser, r.locale])).toEqual([
      ['mobile', 'ios', 'safari', 'de-DE'],
      ['mobile', 'android', 'chrome', 'pt-BR'],
      ['desktop', 'windows', 'chrome', null],
    ]);
  });

  it("uses a browser request's own user agent and language when the event carries none", async () => {
    t = await testCollector();
    await t.post(
      '/v1/batch',
      { writeKey: t.source.writeKey, batch: [trackEvent()] },
      {
        'Content-Type': 'text/plain',
        Origin: 'https://shop.example',
        'User-Agent': IPAD,
        'Accept-Language': 'fr-CH, fr;q=0.9, en;q=0.8',
      },
    );
    const [row] = await t.rows();
    expect(row).toMatchObject({ device_type: 'tablet', os: 'ios', locale: 'fr-CH' });
  });

  it('keeps control characters out of the locale and browser, which the segment engine packs with', async () => {
    t = await testCollector();
    await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ anonymousId: 'a1', context: { locale: 'en\u001fUS\u001e' } }),
          trackEvent({ anonymousId: 'a2', context: { userAgent: 'Odd\u001fBrowser/1.0 (X11' } }),
          trackEvent({ anonymousId: 'a3' }),
        ],
      },
      t.basic(),
    );
    const rows = await t.rows();
    expect(rows.map((r) => [r.locale, r.browser])).toEqual([
      ['enUS', null],
      [null, 'oddbrowser'],
      [null, null],
    ]);
    const { bySource } = await readBatch(t.deps.database.client, 0, 10);
    const read = bySource.get(t.source.id) ?? [];
    expect(read.map((e) => [e.anonymousId, e.name])).toEqual([
      ['a1', 'AddToCart'],
      ['a2', 'AddToCart'],
      ['a3', 'AddToCart'],
    ]);
  });

  it('truncates the client address from X-Forwarded-For only when TRUST_PROXY is set', async () => {
    t = await testCollector({ env: { TRUST_PROXY: 'true' } });
    // The left-most entry is the client's own claim; the proxy appended the real address.
    await t.post(
      '/v1/batch',
      { batch: [trackEvent()] },
      { ...t.basic(), 'X-Forwarded-For': '10.0.0.1, 198.51.100.23' },
    );
    await t.post(
      '/v1/batch',
      { batch: [trackEvent()] },
      { ...t.basic(), 'X-Forwarded-For': '2001:db8:abcd:12::7' },
    );
    const rows = await t.rows();
    expect(rows.map((r) => r.ip_truncated)).toEqual(['198.51.100.0', '2001:db8:abcd::']);
    await t.close();

    t = await testCollector();
    await t.post(
      '/v1/batch',
      { batch: [trackEvent()] },
      { ...t.basic(), 'X-Forwarded-For': '198.51.100.23' },
    );
    expect((await t.rows())[0]?.ip_truncated).toBeNull();
  });

  it('drops and counts events from HeadlessChrome, from the context or from a browser request', async () => {
    t = await testCollector();
    const res = await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ context: { userAgent: HEADLESS } }),
          trackEvent({ context: { userAgent: DESKTOP } }),
        ],
      },
      t.basic(),
    );
    expect(await res.json()).toEqual({ accepted: 2, rejected: [] });
    await t.post(
      '/v1/batch',
      { writeKey: t.source.writeKey, batch: [trackEvent()] },
      { 'Content-Type': 'text/plain', Origin: 'https://shop.example', 'User-Agent': HEADLESS },
    );
    expect(await t.rows()).toHaveLength(1);
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toContain('segmently_events_dropped_total{reason="bot"} 2');
  });

  it("does not take a server library's own user agent for a bot", async () => {
    t = await testCollector();
    await t.post(
      '/v1/batch',
      { batch: [trackEvent()] },
      { ...t.basic(), 'User-Agent': 'analytics-node-next/latest' },
    );
    await t.post(
      '/v1/batch',
      { batch: [trackEvent()] },
      { ...t.basic(), 'User-Agent': 'curl/8.5.0' },
    );
    expect(await t.rows()).toHaveLength(2);
  });
});

describe('GET /metrics', () => {
  it('reports accepted, rejected by code, refused requests and writer flushes in Prometheus text', async () => {
    t = await testCollector();
    await t.post('/v1/batch', { batch: [trackEvent(), trackEvent(), { type: 'nope' }] }, t.basic());
    await t.post('/v1/batch', { batch: [] }, t.basic('wk_wrong'));
    const res = await t.app.request('/metrics');
    expect(res.headers.get('Content-Type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE segmently_events_accepted_total counter');
    expect(text).toContain('segmently_events_accepted_total 2');
    expect(text).toContain('segmently_events_rejected_total{code="invalid_event"} 1');
    expect(text).toContain('segmently_requests_refused_total{code="invalid_write_key"} 1');
    expect(text).toContain('segmently_writer_flush_rows_count 1');
    expect(text).toContain('segmently_writer_flush_rows_sum 3');
    expect(text).toMatch(/segmently_writer_flush_seconds_bucket\{le="\+Inf"\} 1/);
    expect(text).toContain('segmently_writer_queue_rows 0');
  });
});
