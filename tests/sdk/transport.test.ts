import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  batchBody,
  chunkEvents,
  pixelUrl,
  sendBatch,
  sendOnPageExit,
} from '../../sdk/transport.js';
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

describe('sentAt', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  // The collector corrects each event's timestamp by (receivedAt - sentAt): a device clock
  // that is off shifts both alike.
  it('every body the transport sends carries the time of sending as ISO 8601', async () => {
    const event = { ...big(1), timestamp: '2020-01-01T00:00:00.000Z' };
    const now = '2030-01-02T03:04:05.678Z';
    vi.useFakeTimers({ now: new Date(now), toFake: ['Date'] });
    const posted: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      posted.push(String(init.body));
      return new Response('{}');
    });
    const beacons: Blob[] = [];
    vi.stubGlobal('navigator', {
      sendBeacon: (_url: string, data: Blob) => beacons.push(data) > 0,
    });

    await sendBatch('https://c.example', 'wk', [event]);
    sendOnPageExit('https://c.example', 'wk', () => [event]);
    dispatchEvent(new Event('pagehide'));

    const bodies = [...posted, ...(await Promise.all(beacons.map((b) => b.text())))];
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      const { sentAt, batch } = JSON.parse(body);
      expect(sentAt).toBe(now);
      expect(new Date(sentAt).toISOString()).toBe(sentAt);
      expect(batch[0].timestamp).toBe(event.timestamp);
    }
  });
});
