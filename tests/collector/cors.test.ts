import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

// The test source allows https://shop.example only.
let t: TestCollector;
beforeEach(async () => {
  t = await testCollector();
});
afterEach(() => t.close());

const preflight = (origin: string) =>
  t.app.request('/v1/batch', {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type',
    },
  });

/** What the SDK sends: text/plain, write key in the body, no preflight. */
const sdkPost = (origin: string, writeKey = t.source.writeKey, host = 'collect.example') =>
  t.app.request('/v1/batch', {
    method: 'POST',
    body: JSON.stringify({ writeKey, batch: [trackEvent()] }),
    headers: { 'Content-Type': 'text/plain', Origin: origin, Host: host },
  });

describe('CORS per source', () => {
  it('answers a preflight from an allowed origin', async () => {
    const res = await preflight('https://shop.example');
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    expect(res.headers.get('Access-Control-Allow-Headers')).toContain('Authorization');
    expect(res.headers.get('Access-Control-Allow-Methods')).toContain('POST');
  });

  it('refuses a preflight from an origin no source allows', async () => {
    const res = await preflight('https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect((await res.json()).error.code).toBe('origin_not_allowed');
  });

  it('stores a simple text/plain request from an allowed origin and lets the page read the answer', async () => {
    const res = await sdkPost('https://shop.example');
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');
    expect(await t.rows()).toHaveLength(1);
  });

  it('refuses and does not store a request from an origin its source does not allow', async () => {
    const res = await sdkPost('https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(await t.rows()).toHaveLength(0);
  });

  it("refuses an origin another source allows: each source's own list counts", async () => {
    const other = await t.deps.sources.create({
      name: 'Other',
      allowedOrigins: ['https://other.example'],
    });
    expect((await preflight('https://other.example')).status).toBe(204);
    const res = await sdkPost('https://other.example');
    expect(res.status).toBe(403);
    expect((await sdkPost('https://other.example', other.writeKey)).status).toBe(200);
  });

  it('accepts any origin for a source configured with *', async () => {
    const open = await t.deps.sources.create({ name: 'Open', allowedOrigins: ['*'] });
    expect((await preflight('https://anywhere.example')).status).toBe(204);
    const res = await sdkPost('https://anywhere.example', open.writeKey);
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://anywhere.example');
  });

  it("accepts the collector's own pages (same origin), as the demo shop is", async () => {
    const res = await sdkPost('http://collect.example', t.source.writeKey, 'collect.example');
    expect(res.status).toBe(200);
  });

  it('lets server-to-server requests without Origin through, without CORS headers', async () => {
    const res = await t.post('/v1/batch', { batch: [trackEvent()] }, t.basic());
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('lets an allowed page read an error before authentication', async () => {
    const res = await t.app.request('/v1/batch', {
      method: 'POST',
      body: '{"batch": [',
      headers: { 'Content-Type': 'text/plain', Origin: 'https://shop.example' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
  });

  it("lets an allowed page read an error after its source's origin check", async () => {
    const res = await t.app.request('/v1/batch', {
      method: 'POST',
      body: JSON.stringify({ writeKey: t.source.writeKey, batch: 'not an array' }),
      headers: { 'Content-Type': 'text/plain', Origin: 'https://shop.example' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');
    expect(res.headers.get('Vary')).toBe('Origin');
  });

  it('follows allowed origins changed through the admin API', async () => {
    const patch = await t.admin(`/api/v1/sources/${t.source.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ allowedOrigins: ['https://new.example'] }),
    });
    expect(patch.status).toBe(200);
    expect((await sdkPost('https://shop.example')).status).toBe(403);
    expect((await preflight('https://shop.example')).status).toBe(403);
    expect((await sdkPost('https://new.example')).status).toBe(200);
  });
});
