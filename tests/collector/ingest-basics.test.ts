import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

let t: TestCollector;
beforeEach(async () => {
  t = await testCollector({ now: () => Date.parse('2026-01-01T12:00:00.000Z') });
});
afterEach(() => t.close());

describe('POST /v1/batch', () => {
  it('stores a valid batch and answers only after commit', async () => {
    const res = await t.post(
      '/v1/batch',
      { batch: [trackEvent(), trackEvent({ type: 'page', name: 'Home' })] },
      t.basic(),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2, rejected: [] });
    const rows = await t.rows();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      type: 'track',
      event: 'AddToCart',
      anonymous_id: 'anon-1',
      source_id: t.source.id,
    });
    expect(JSON.parse(String(rows[0]?.properties))).toEqual({ cart_id: 'c1', value: 10 });
    expect(rows[1]).toMatchObject({ type: 'page', event: 'Home' });
  });

  it('accepts the write key in a text/plain body, as sendBeacon sends it', async () => {
    const res = await t.post(
      '/v1/batch',
      { writeKey: t.source.writeKey, batch: [trackEvent()] },
      { 'Content-Type': 'text/plain' },
    );
    expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
  });

  it('takes the Basic scheme in any letter case, as HTTP defines it', async () => {
    const credentials = Buffer.from(`${t.source.writeKey}:`).toString('base64');
    for (const scheme of ['basic', 'BASIC']) {
      const res = await t.post(
        '/v1/batch',
        { batch: [trackEvent()] },
        { Authorization: `${scheme} ${credentials}` },
      );
      expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
    }
  });

  it('inflates gzip bodies', async () => {
    const body = gzipSync(JSON.stringify({ batch: [trackEvent(), trackEvent()] }));
    const res = await t.app.request('/v1/batch', {
      method: 'POST',
      body,
      headers: { ...t.basic(), 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    });
    expect(await res.json()).toEqual({ accepted: 2, rejected: [] });
  });

  it('accepts a duplicate messageId and stores it once', async () => {
    const e = trackEvent();
    await t.post('/v1/batch', { batch: [e] }, t.basic());
    const res = await t.post('/v1/batch', { batch: [e, e] }, t.basic());
    expect(await res.json()).toEqual({ accepted: 2, rejected: [] });
    expect(await t.rows()).toHaveLength(1);
  });

  it('rejects bad events individually, keeps the good ones and records the failures', async () => {
    const res = await t.post(
      '/v1/batch',
      { batch: [trackEvent(), 42, { type: 'track', anonymousId: 'a' }, trackEvent()] },
      t.basic(),
    );
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2]);
    expect(body.rejected[1]).toMatchObject({
      code: 'invalid_event',
      message: expect.stringContaining('event'),
    });
    expect(await t.rows()).toHaveLength(2);
    const failed = await t.rows('SELECT * FROM failed_events ORDER BY id');
    expect(failed.map((f) => f.payload)).toEqual([
      '42',
      JSON.stringify({ type: 'track', anonymousId: 'a' }),
    ]);
  });

  it("takes null fields as absent, as Segment's libraries send them", async () => {
    const res = await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ userId: null, context: null, properties: null }),
          { type: 'identify', userId: null, anonymousId: 'anon-2', traits: { plan: 'pro' } },
          { type: 'page', name: null, anonymousId: 'anon-3' },
          { type: 'track', event: 'E', userId: null, anonymousId: null },
        ],
      },
      t.basic(),
    );
    const body = await res.json();
    expect(body.accepted).toBe(3);
    expect(body.rejected).toEqual([
      { index: 3, code: 'invalid_event', message: 'anonymousId or userId is required' },
    ]);
    const rows = await t.rows('SELECT type, anonymous_id, user_id FROM events ORDER BY seq');
    expect(rows.map((r) => [r.type, r.anonymous_id, r.user_id])).toEqual([
      ['track', 'anon-1', null],
      ['identify', 'anon-2', null],
      ['page', 'anon-3', null],
    ]);
  });

  it('refuses an event whose own context is no object, even when the batch has one', async () => {
    const res = await t.post(
      '/v1/batch',
      { batch: [trackEvent({ context: 'abc' }), trackEvent({ context: [1] })], context: { a: 1 } },
      t.basic(),
    );
    const body = await res.json();
    expect(body.accepted).toBe(0);
    expect(body.rejected.map((r: { message: string }) => r.message)).toEqual([
      expect.stringContaining('context'),
      expect.stringContaining('context'),
    ]);
  });

  it('corrects client clock skew from sentAt', async () => {
    // The device clock runs 1 hour fast: the event happened 2 s before it was sent.
    const e = trackEvent({
      timestamp: '2026-01-01T13:00:00.000Z',
      sentAt: '2026-01-01T13:00:02.000Z',
    });
    await t.post('/v1/batch', { batch: [e] }, t.basic());
    const [row] = await t.rows();
    expect(row?.timestamp).toBe(Date.parse('2026-01-01T11:59:58.000Z'));
    expect(row?.received_at).toBe(Date.parse('2026-01-01T12:00:00.000Z'));
  });

  it("takes a batch's sentAt in epoch milliseconds, as an event's own", async () => {
    const timestamp = '2026-01-01T13:00:00.000Z';
    const sentAt = Date.parse('2026-01-01T13:00:02.000Z');
    const batch = [trackEvent({ timestamp }), trackEvent({ timestamp, sentAt })];
    await t.post('/v1/batch', { batch: batch.slice(0, 1), sentAt }, t.basic());
    await t.post('/v1/batch', { batch: batch.slice(1) }, t.basic());
    expect((await t.rows()).map((r) => r.timestamp)).toEqual([
      Date.parse('2026-01-01T11:59:58.000Z'),
      Date.parse('2026-01-01T11:59:58.000Z'),
    ]);
  });

  it('stores a timestamp later than the time of receipt as the time of receipt', async () => {
    // A fast clock and no sentAt: retention, which goes by timestamp, would keep it for years.
    await t.post(
      '/v1/batch',
      { batch: [trackEvent({ timestamp: '2099-01-01T00:00:00.000Z' })] },
      t.basic(),
    );
    const [row] = await t.rows();
    expect(row?.timestamp).toBe(Date.parse('2026-01-01T12:00:00.000Z'));
  });

  it('rejects a timestamp that is no ISO-8601 date, and reads one without a zone as UTC', async () => {
    const serverZone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const res = await t.post(
        '/v1/batch',
        {
          batch: [
            trackEvent({ timestamp: '1' }),
            trackEvent({ timestamp: 'Tuesday 2020' }),
            trackEvent({ timestamp: '2026-01-01T10:00:00' }),
            trackEvent({ timestamp: '2026-01-01 10:30:00.250+01:00' }),
          ],
        },
        t.basic(),
      );
      expect(await res.json()).toMatchObject({
        accepted: 2,
        rejected: [
          { index: 0, code: 'invalid_event', message: 'timestamp: not a valid ISO-8601 date' },
          { index: 1, code: 'invalid_event', message: 'timestamp: not a valid ISO-8601 date' },
        ],
      });
    } finally {
      if (serverZone === undefined) delete process.env.TZ;
      else process.env.TZ = serverZone;
    }
    expect((await t.rows()).map((r) => r.timestamp)).toEqual([
      Date.parse('2026-01-01T10:00:00.000Z'),
      Date.parse('2026-01-01T09:30:00.250Z'),
    ]);
  });

  it.each([
    ['invalid JSON', '{"batch": [', (c: TestCollector) => c.basic(), 400, 'invalid_json'],
    ['missing write key', { batch: [] }, (_: TestCollector) => ({}), 401, 'missing_write_key'],
    [
      'wrong write key',
      { batch: [] },
      (c: TestCollector) => c.basic('wk_nope'),
      401,
      'invalid_write_key',
    ],
    ['a body that is not an object', '[1,2]', (c: TestCollector) => c.basic(), 400, 'invalid_body'],
    ['no batch array', { batch: 'x' }, (c: TestCollector) => c.basic(), 400, 'invalid_batch'],
  ] as const)('answers %s with a JSON 4xx', async (_, body, headers, status, code) => {
    const res = await t.post('/v1/batch', body, headers(t));
    expect(res.status).toBe(status);
    expect((await res.json()).error).toMatchObject({ code, message: expect.any(String) });
  });

  it('refuses a body over 500 KB with 413', async () => {
    const big = { batch: [trackEvent({ properties: { blob: 'x'.repeat(600 * 1024) } })] };
    const res = await t.post('/v1/batch', big, t.basic());
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
  });

  it('refuses a chunked body (no Content-Length) once 500 KB streamed in, counted by code', async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode(`{"batch":[${'"x",'.repeat(16 * 1024)}`);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Endless unless the server stops reading.
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await t.app.request(
      new Request('http://localhost/v1/batch', {
        method: 'POST',
        body,
        headers: { ...t.basic(), 'Content-Type': 'application/json' },
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
    expect(pulled).toBeLessThan(1024 * 1024);
    // As a body refused for its Content-Length is.
    expect(await (await t.app.request('/metrics')).text()).toContain(
      'segmently_requests_refused_total{code="payload_too_large"} 1',
    );
  });

  it("counts a batch's context in the size of each event it is merged into", async () => {
    const res = await t.post(
      '/v1/batch',
      {
        batch: [trackEvent({ properties: { blob: 'x'.repeat(20 * 1024) } }), trackEvent()],
        context: { blob: 'x'.repeat(20 * 1024) },
      },
      t.basic(),
    );
    expect(await res.json()).toMatchObject({
      accepted: 1,
      rejected: [{ index: 0, code: 'event_too_large' }],
    });
    expect(await t.rows()).toHaveLength(1);
  });

  it('refuses a batch context too large or too deep for any event, once, not per event', async () => {
    const batch = Array.from({ length: 200 }, () => trackEvent());
    const large = await t.post(
      '/v1/batch',
      { batch, context: { blob: 'x'.repeat(400 * 1024) } },
      t.basic(),
    );
    expect(large.status).toBe(413);
    expect((await large.json()).error.code).toBe('context_too_large');
    let deep: unknown = {};
    for (let i = 1; i < 64; i++) deep = { deep }; // 64 levels, 65 inside an event
    const tooDeep = await t.post('/v1/batch', { batch, context: deep }, t.basic());
    expect(tooDeep.status).toBe(400);
    expect((await tooDeep.json()).error.code).toBe('context_too_deep');
    expect(await t.rows('SELECT * FROM failed_events')).toEqual([]);
    expect(await t.rows()).toEqual([]);
  });

  it('rejects ids and event names with control characters, which the segment engine packs with', async () => {
    const res = await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ event: 'Weird\u001fname' }),
          trackEvent({ anonymousId: 'a\u0000b' }),
          trackEvent({ event: 'Purchase' }),
        ],
      },
      t.basic(),
    );
    const { accepted, rejected } = await res.json();
    expect(accepted).toBe(1);
    expect(rejected).toEqual([
      { index: 0, code: 'invalid_event', message: 'event: must not contain control characters' },
      {
        index: 1,
        code: 'invalid_event',
        message: 'anonymousId: must not contain control characters',
      },
    ]);
    expect((await t.rows()).map((r) => r.event)).toEqual(['Purchase']);
  });

  it('rejects a messageId with control characters: one after a NUL is not read back', async () => {
    const res = await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ messageId: 'order-1\u0000a' }),
          trackEvent({ messageId: 'order-1\u0000b' }),
          trackEvent({ messageId: 'order-2' }),
        ],
      },
      t.basic(),
    );
    const message = 'messageId: must not contain control characters';
    expect(await res.json()).toEqual({
      accepted: 1,
      rejected: [
        { index: 0, code: 'invalid_event', message },
        { index: 1, code: 'invalid_event', message },
      ],
    });
    expect((await t.rows()).map((r) => r.message_id)).toEqual(['order-2']);
  });

  it('stores a lone surrogate escape as U+FFFD: SQLite made it bytes libsql aborts on reading', async () => {
    // JSON.stringify writes each lone surrogate as an escape: \ud800.
    const res = await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({
            anonymousId: 'visitor-\ud800',
            properties: { 'key-\udc00': 'value-\udbff' },
            context: { consent: { id: 'record-\udfff', categoryPreferences: { analytics: true } } },
          }),
        ],
      },
      t.basic(),
    );
    expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
    // hex(): reading the bytes as text is what aborts the process.
    const [row] = await t.rows(
      `SELECT hex(anonymous_id) AS id, hex(context->>'$.consent.id') AS record FROM events`,
    );
    const hex = (text: string) => Buffer.from(text).toString('hex').toUpperCase();
    expect(row).toMatchObject({ id: hex('visitor-\ufffd'), record: hex('record-\ufffd') });
    const [stored] = await t.rows();
    expect(JSON.parse(String(stored?.properties))).toEqual({ 'key-\ufffd': 'value-\ufffd' });
  });

  it('stores the time of receipt when timestamp and sentAt are no usable pair', async () => {
    const res = await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ timestamp: -8.64e15, sentAt: 8.64e15 }),
          trackEvent({ timestamp: '2026-01-01T11:00:00.000Z' }),
        ],
        sentAt: 'not a date',
      },
      t.basic(),
    );
    expect(await res.json()).toEqual({ accepted: 2, rejected: [] });
    expect((await t.rows()).map((r) => r.timestamp)).toEqual([
      Date.parse('2026-01-01T12:00:00.000Z'),
      Date.parse('2026-01-01T11:00:00.000Z'),
    ]);
  });
});

describe('single-event endpoints', () => {
  it.each(['track', 'page', 'identify', 'group', 'alias'])(
    'POST /v1/%s stores one event',
    async (type) => {
      const e = { ...trackEvent(), groupId: 'g1', previousId: 'old', type: undefined };
      const res = await t.post(`/v1/${type}`, e, t.basic());
      expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
      expect((await t.rows())[0]?.type).toBe(type);
    },
  );
});
