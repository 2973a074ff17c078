import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestCollector, testCollector } from './helpers.js';

// Request bodies as Segment's HTTP Tracking API documentation shows them
// (segment.com/docs/connections/sources/catalog/libraries/server/http-api).
const IDENTIFY = {
  userId: '019mr8mf4r',
  traits: { email: 'pgibbons@example.com', name: 'Peter Gibbons', industry: 'Technology' },
  context: { ip: '24.5.68.47' },
  timestamp: '2012-12-02T00:30:08.276Z',
};
const TRACK = {
  userId: '019mr8mf4r',
  event: 'Item Purchased',
  properties: { name: 'Leap to Conclusions Mat', revenue: 14.99 },
  context: { ip: '24.5.68.47' },
  timestamp: '2012-12-02T00:30:12.984Z',
};
const PAGE = {
  userId: '019mr8mf4r',
  name: 'Tracking HTTP API',
  timestamp: '2012-12-02T00:30:08.276Z',
};
const SCREEN = { ...PAGE, name: 'Home' };
const GROUP = {
  userId: '019mr8mf4r',
  groupId: '8e9df332ac',
  traits: { name: 'Initech', industry: 'Technology', employees: 420 },
  timestamp: '2012-12-02T00:30:08.276Z',
};
const ALIAS = {
  previousId: '39239-239239-239239-23923',
  userId: '019mr8mf4r',
  timestamp: '2012-12-02T00:30:08.276Z',
};
const BATCH = {
  batch: [
    {
      type: 'identify',
      userId: '019mr8mf4r',
      traits: { email: 'jake@yahoo.com', name: 'Jake Peterson', age: 26 },
      timestamp: '2012-12-02T00:30:08.276Z',
    },
    {
      type: 'track',
      userId: '019mr8mf4r',
      event: 'Song Played',
      properties: { name: 'Fallin for You', artist: 'Dierks Bentley' },
      timestamp: '2012-12-02T00:30:12.984Z',
    },
    {
      type: 'identify',
      userId: '971mj8mk7p',
      traits: { email: 'cindy@example.com', name: 'Cindy Gonzalez', age: 23 },
      timestamp: '2012-12-02T00:30:08.276Z',
    },
    {
      type: 'track',
      userId: '971mj8mk7p',
      event: 'Song Played',
      properties: { name: 'Get Right', artist: 'Jennifer Lopez' },
      timestamp: '2012-12-02T00:30:12.984Z',
    },
  ],
  context: { device: { type: 'phone', name: 'Apple iPhone 6' } },
};

let t: TestCollector;
beforeEach(async () => {
  t = await testCollector();
});
afterEach(() => t.close());

const parse = (v: unknown) => JSON.parse(String(v));

describe('Segment HTTP API contract', () => {
  it('stores a documented batch with mixed types and the batch context on every event', async () => {
    const res = await t.post('/v1/batch', BATCH, t.basic());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 4, rejected: [] });
    const rows = await t.rows();
    expect(rows.map((r) => [r.type, r.user_id, r.event])).toEqual([
      ['identify', '019mr8mf4r', null],
      ['track', '019mr8mf4r', 'Song Played'],
      ['identify', '971mj8mk7p', null],
      ['track', '971mj8mk7p', 'Song Played'],
    ]);
    expect(parse(rows[0]?.traits)).toEqual(BATCH.batch[0]?.traits);
    expect(parse(rows[3]?.properties)).toEqual(BATCH.batch[3]?.properties);
    for (const r of rows) {
      expect(parse(r.context).device).toEqual({ type: 'phone', name: 'Apple iPhone 6' });
      expect(r.timestamp).toBeTypeOf('number');
      expect(String(r.message_id)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it.each([
    ['identify', IDENTIFY],
    ['track', TRACK],
    ['page', PAGE],
    ['screen', SCREEN],
    ['group', GROUP],
    ['alias', ALIAS],
  ])('POST /v1/%s with Basic auth stores the documented call', async (type, body) => {
    const res = await t.post(`/v1/${type}`, body, t.basic());
    expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
    const [row] = await t.rows();
    expect(row).toMatchObject({ type, user_id: '019mr8mf4r', source_id: t.source.id });
    expect(row?.timestamp).toBe(Date.parse(body.timestamp));
  });

  it('keeps only the /24 of context.ip and drops the whole address from the context', async () => {
    await t.post('/v1/track', TRACK, t.basic());
    const [row] = await t.rows();
    expect(row?.ip_truncated).toBe('24.5.68.0');
    expect(parse(row?.context)).toEqual({});
    expect(JSON.stringify(row)).not.toContain('24.5.68.47');
  });

  it('inflates a gzip batch sent as text/plain with the write key in the body', async () => {
    const body = gzipSync(JSON.stringify({ ...BATCH, writeKey: t.source.writeKey }));
    const res = await t.app.request('/v1/batch', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' },
    });
    expect(await res.json()).toEqual({ accepted: 4, rejected: [] });
    expect(await t.rows()).toHaveLength(4);
  });

  it('refuses a gzip bomb that inflates past 500 KB with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x20));
    const res = await t.app.request('/v1/batch', {
      method: 'POST',
      body: bomb,
      headers: { ...t.basic(), 'Content-Encoding': 'gzip' },
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
  });

  it('rejects an event over 32 KB inside a batch, keeping the others', async () => {
    const big = { ...TRACK, properties: { blob: 'x'.repeat(40 * 1024) } };
    const res = await t.post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', ...TRACK },
          { type: 'track', ...big },
        ],
      },
      t.basic(),
    );
    const body = await res.json();
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      { index: 1, code: 'event_too_large', message: expect.any(String) },
    ]);
  });

  it('refuses more events per batch than the limit with 413 too_many_events', async () => {
    const res = await t.post(
      '/v1/batch',
      { batch: Array(2001).fill({ type: 'page', ...PAGE }) },
      t.basic(),
    );
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('too_many_events');
  });
});

describe('analytics.js short paths (apiHost pointed at us)', () => {
  const textPlain = { 'Content-Type': 'text/plain' };

  it.each([
    ['t', 'track', TRACK],
    ['p', 'page', PAGE],
    ['i', 'identify', IDENTIFY],
    ['a', 'alias', ALIAS],
    ['g', 'group', GROUP],
    ['s', 'screen', SCREEN],
  ])(
    'POST /v1/%s stores a %s with the write key in a text/plain body',
    async (path, type, body) => {
      const res = await t.post(`/v1/${path}`, { ...body, writeKey: t.source.writeKey }, textPlain);
      expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
      expect((await t.rows())[0]?.type).toBe(type);
    },
  );

  it('POST /v1/b stores a batch', async () => {
    const res = await t.post('/v1/b', { ...BATCH, writeKey: t.source.writeKey }, textPlain);
    expect(await res.json()).toEqual({ accepted: 4, rejected: [] });
  });
});
