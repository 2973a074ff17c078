import { describe, expect, it } from 'vitest';
import { bodiesWithin } from '../../sdk/transport.js';
import type { WireEvent } from '../../shared/wire.js';

describe('bodiesWithin', () => {
  it('splits events into bodies under the keepalive quota without losing or reordering any', () => {
    const events: WireEvent[] = Array.from({ length: 300 }, (_, i) => ({
      type: 'track',
      event: 'Big',
      messageId: `m${i}`,
      anonymousId: 'a',
      properties: { text: 'é'.repeat(400) },
    }));
    const bodies = bodiesWithin('wk', events, 16 * 1024);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies)
      expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(16 * 1024);
    const ids = bodies.flatMap((b) => JSON.parse(b).batch.map((e: WireEvent) => e.messageId));
    expect(ids).toEqual(events.map((e) => e.messageId));
    expect(JSON.parse(bodies[0] as string).writeKey).toBe('wk');
  });
});
