import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

let t: TestCollector;
beforeEach(async () => {
  t = await testCollector();
});
afterEach(() => t.close());

describe('admin API', () => {
  it('refuses requests without the admin token', async () => {
    const res = await t.app.request('/api/v1/events');
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
    const wrong = await t.app.request('/api/v1/events', {
      headers: { Authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
  });

  it('creates a source whose write key ingests at once', async () => {
    const res = await t.admin('/api/v1/sources', {
      method: 'POST',
      body: JSON.stringify({ name: 'Blog', allowedOrigins: ['https://blog.example/path'] }),
    });
    expect(res.status).toBe(201);
    const source = await res.json();
    expect(source).toMatchObject({
      id: expect.any(String),
      writeKey: expect.stringMatching(/^wk_/),
      allowedOrigins: ['https://blog.example'],
    });
    const ingest = await t.post('/v1/batch', { batch: [trackEvent()] }, t.basic(source.writeKey));
    expect((await ingest.json()).accepted).toBe(1);
  });

  it('validates source input', async () => {
    const res = await t.admin('/api/v1/sources', {
      method: 'POST',
      body: JSON.stringify({ name: '' }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_request');
  });

  it('refuses a source name with a NUL: libsql reads text back only up to it', async () => {
    const create = await t.admin('/api/v1/sources', {
      method: 'POST',
      body: JSON.stringify({ name: 'Shop\0 staging' }),
    });
    expect(create.status).toBe(400);
    const rename = await t.admin(`/api/v1/sources/${t.source.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Test\0 staging' }),
    });
    expect(rename.status).toBe(400);
    expect((await t.rows('SELECT name FROM sources')).map((r) => r.name)).toEqual(['Test']);
  });

  it('changes only the fields a PATCH sends', async () => {
    const patch = (body: unknown) =>
      t.admin(`/api/v1/sources/${t.source.id}`, { method: 'PATCH', body: JSON.stringify(body) });
    expect((await patch({ retentionDays: 90 })).status).toBe(200);
    expect(await (await patch({ name: 'Renamed' })).json()).toMatchObject({
      name: 'Renamed',
      retentionDays: 90,
      allowedOrigins: ['https://shop.example'],
    });
    expect(await (await patch({ allowedOrigins: [] })).json()).toMatchObject({
      allowedOrigins: [],
    });
  });

  it('answers a PATCH that changes nothing with the source as it is, or 404', async () => {
    const patch = (id: string, body: unknown) =>
      t.admin(`/api/v1/sources/${id}`, { method: 'PATCH', body: JSON.stringify(body) });
    for (const body of [{}, { unknownField: 1 }]) {
      const res = await patch(t.source.id, body);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: t.source.id, name: t.source.name });
    }
    const missing = await patch('no-such-source', {});
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('source_not_found');
  });

  it('refuses a write key longer than any issued without looking it up or remembering it', async () => {
    const lookups: string[] = [];
    const byWriteKey = t.deps.sources.byWriteKey;
    t.deps.sources.byWriteKey = (key) => {
      lookups.push(key);
      return byWriteKey(key);
    };
    const res = await t.post('/v1/batch', { writeKey: 'k'.repeat(5000), batch: [trackEvent()] });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('invalid_write_key');
    expect(lookups).toEqual([]);
    expect((await t.post('/v1/batch', { batch: [trackEvent()] }, t.basic())).status).toBe(200);
    expect(lookups).toEqual([t.source.writeKey]);
  });

  it('lists events newest first, filtered by anonymousId', async () => {
    await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ event: 'First' }),
          trackEvent({ event: 'Second' }),
          trackEvent({ anonymousId: 'other' }),
        ],
      },
      t.basic(),
    );
    const res = await t.admin('/api/v1/events?limit=10&anonymousId=anon-1');
    const { events } = await res.json();
    expect(events.map((e: { event: string }) => e.event)).toEqual(['Second', 'First']);
    expect(events[0].properties).toEqual({ cart_id: 'c1', value: 10 });
  });

  it('refuses an empty filter instead of listing everyone', async () => {
    for (const name of ['anonymousId', 'userId', 'sourceId', 'event']) {
      const res = await t.admin(`/api/v1/events?${name}=`);
      expect(res.status, name).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_request');
    }
    for (const name of ['sourceId', 'code']) {
      expect((await t.admin(`/api/v1/failed-events?${name}=`)).status, name).toBe(400);
    }
  });
});

describe('public endpoints', () => {
  it('GET /health checks the database', async () => {
    expect(await (await t.app.request('/health')).json()).toEqual({ status: 'ok' });
  });

  it('unknown routes get the JSON error shape', async () => {
    const res = await t.app.request('/nope');
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });
});
