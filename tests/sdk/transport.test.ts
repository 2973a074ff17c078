import { describe, expect, it } from 'vitest';
import { batchBody, chunkEvents, pixelUrl } from '../../sdk/transport.js';
import type { WireEvent } from '../../shared/wire.js';

const big = (i: number): WireEvent => ({
  type: 'track',
  event: 'Big',
  messageId: `m${i}`,
  anonymousId: 'a',
  properties: { text: 'é'.repeat(400) },
});

describe('chunkEvents', () => {
  it('splits events into bodies under a byte quota without losing or reordering any', () => {
    const events = Array.from({ length: 300 }, (_, i) => big(i));
    const chunks = chunkEvents(events, 1000, 16 * 1024);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks)
      expect(new TextEncoder().encode(batchBody('wk', chunk)).length).toBeLessThanOrEqual(
        16 * 1024,
      );
    expect(chunks.flat().map((e) => e.messageId)).toEqual(events.map((e) => e.messageId));
  });

  it('caps the count per batch too', () => {
    const chunks = chunkEvents(
      Array.from({ length: 45 }, (_, i) => ({ ...big(i), properties: {} })),
      20,
      500_000,
    );
    expect(chunks.map((c) => c.length)).toEqual([20, 20, 5]);
  });
});

describe('pixelUrl', () => {
  it('carries the body as base64url of UTF-8, so any text survives a URL', () => {
    const body = batchBody('wk', [{ ...big(1), properties: { q: 'café/+?&=' } }]);
    const url = new URL(pixelUrl('https://c.example', body));
    expect(url.pathname).toBe('/v1/p.gif');
    const d = url.searchParams.get('d') ?? '';
    expect(d).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(d, 'base64url').toString('utf8'))).toEqual(JSON.parse(body));
  });
});
