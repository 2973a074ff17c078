import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

let t: TestCollector;
beforeAll(async () => {
  t = await testCollector({
    env: { RATE_LIMIT_IP_REQUESTS_PER_SEC: '0', RATE_LIMIT_SOURCE_EVENTS_PER_SEC: '0' },
  });
});
afterAll(() => t.close());

const deep = (depth: number, open: string, close: string, inner = '1') =>
  open.repeat(depth) + inner + close.repeat(depth);

/** Values in the places events have them: wrong types, huge strings, odd unicode. */
const wild = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer({ min: 1, max: 40 }).map((kb) => 'x'.repeat(kb * 1024)),
  fc.constantFrom(null, '', 0, -1, 1e308, Number.MAX_SAFE_INTEGER, '\u0000', '\ud800', [], {}),
);
const eventish = fc.record(
  {
    type: fc.oneof(fc.constantFrom('track', 'page', 'identify', 'alias', 'group', 'screen'), wild),
    event: wild,
    name: wild,
    messageId: wild,
    anonymousId: wild,
    userId: wild,
    previousId: wild,
    groupId: wild,
    properties: wild,
    traits: wild,
    context: fc.oneof(
      wild,
      fc.record({ userAgent: wild, locale: wild, ip: wild }, { requiredKeys: [] }),
    ),
    timestamp: wild,
    sentAt: wild,
  },
  { requiredKeys: [] },
);

const jsonBodies = fc
  .oneof(
    fc.record(
      { batch: fc.array(eventish, { maxLength: 30 }), sentAt: wild, context: wild },
      { requiredKeys: [] },
    ),
    fc.record({ batch: wild }),
    eventish,
    fc.jsonValue(),
  )
  .map((v) => JSON.stringify(v) ?? 'null');

const textBodies = fc.oneof(
  jsonBodies,
  fc.string({ unit: 'binary', maxLength: 500 }),
  fc.nat({ max: 20_000 }).map((d) => `{"batch":[${deep(d, '[', ']')}]}`),
  fc
    .nat({ max: 20_000 })
    .map(
      (d) =>
        `{"batch":[{"type":"track","event":"E","anonymousId":"a","properties":${deep(d, '{"a":', '}')}}]}`,
    ),
  fc
    .nat({ max: 2_000 })
    .map((d) => `{"batch":[${'{"type":"page","anonymousId":"a"},'.repeat(d)}1]}`),
);

/** Bytes as a fetch body: a fresh ArrayBuffer of exactly these bytes. */
const bytes = (b: Uint8Array) => new Uint8Array(b).buffer;

const bodies: fc.Arbitrary<{ body: ArrayBuffer | string; headers: Record<string, string> }> =
  fc.oneof(
    textBodies.map((body) => ({ body, headers: {} })),
    // Invalid UTF-8 and random bytes.
    fc.uint8Array({ maxLength: 2_000 }).map((b) => ({ body: bytes(b), headers: {} })),
    // Gzip, real or not, and encodings we do not speak.
    jsonBodies.map((s) => ({
      body: bytes(gzipSync(s)),
      headers: { 'Content-Encoding': 'gzip' },
    })),
    fc
      .uint8Array({ maxLength: 500 })
      .map((b) => ({ body: bytes(b), headers: { 'Content-Encoding': 'gzip' } })),
    textBodies.map((body) => ({ body, headers: { 'Content-Encoding': 'br' } })),
  );

const contentTypes = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
);
const paths = fc.constantFrom(
  '/v1/batch',
  '/v1/track',
  '/v1/page',
  '/v1/identify',
  '/v1/b',
  '/v1/t',
  '/v1/alias',
);

describe('fuzzing the ingest API', () => {
  it('answers thousands of malformed bodies with 4xx or 200-with-rejections, never 5xx', {
    timeout: 60_000,
  }, async () => {
    const good = Array.from({ length: 20 }, () => trackEvent());
    expect((await (await t.post('/v1/batch', { batch: good }, t.basic())).json()).accepted).toBe(
      20,
    );
    const before = await t.rows('SELECT message_id, properties FROM events ORDER BY seq');

    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        bodies,
        contentTypes,
        paths,
        fc.boolean(),
        async ({ body, headers }, type, path, auth) => {
          const res = await t.app.request(path, {
            method: 'POST',
            body,
            headers: {
              ...(auth ? t.basic() : { Authorization: 'Basic %%%' }),
              'Content-Type': type,
              ...headers,
            },
          });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const json = await res.json();
          if (res.status === 200) {
            expect(json).toEqual({ accepted: expect.any(Number), rejected: expect.any(Array) });
          } else {
            expect(res.status).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
            expect(json.error).toEqual(
              expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
            );
          }
        },
      ),
      { numRuns: 2_500, seed: 20261125 },
    );

    // Both kinds of outcome were exercised, and earlier events are untouched.
    expect(statuses.get(200)).toBeGreaterThan(100);
    expect(statuses.get(400)).toBeGreaterThan(100);
    const after = await t.rows(
      `SELECT message_id, properties FROM events WHERE message_id IN (${good.map((e) => `'${e.messageId}'`).join(',')}) ORDER BY seq`,
    );
    expect(after).toEqual(before);
    // Everything stored reads back, as the dashboard, exports and replay read it: libsql aborts
    // the process on text that is no UTF-8 (a lone surrogate stored as sent).
    await t.rows("SELECT *, context->>'$.consent.id', json(properties) FROM events");
    await t.rows('SELECT *, json(payload) FROM failed_events');
    expect((await t.app.request('/health')).status).toBe(200);
  });
});
