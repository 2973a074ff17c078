import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eCollector, startCollector } from './harness.js';

let server: E2eCollector;
beforeAll(async () => {
  server = await startCollector();
});
afterAll(() => server?.close());

const parse = (v: unknown) => JSON.parse(String(v));

describe("Segment's analytics-node pointed at the collector", () => {
  it('delivers identify, track, page, group and alias unchanged, stored with their fields', async () => {
    const errors: unknown[] = [];
    const analytics = new Analytics({
      writeKey: server.demo.writeKey,
      host: server.url,
      flushAt: 20,
      maxRetries: 0,
    });
    analytics.on('error', (err) => errors.push(err));

    analytics.identify({ userId: 'user-42', traits: { plan: 'pro', email: 'ada@example.com' } });
    analytics.track({
      userId: 'user-42',
      event: 'Order Completed',
      properties: { order_id: 'o-1', revenue: 39.5, currency: 'EUR' },
      context: { ip: '203.0.113.9', locale: 'en-GB' },
    });
    analytics.page({ anonymousId: 'anon-7', name: 'Pricing', properties: { path: '/pricing' } });
    analytics.group({ userId: 'user-42', groupId: 'acme', traits: { employees: 12 } });
    analytics.alias({ userId: 'user-42', previousId: 'anon-7' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);

    const rows = await server.sql('SELECT * FROM events WHERE source_id = ? ORDER BY seq', [
      server.demo.id,
    ]);
    expect(rows.map((r) => r.type)).toEqual(['identify', 'track', 'page', 'group', 'alias']);
    const [identify, track, page, group, alias] = rows;
    expect(parse(identify?.traits)).toEqual({ plan: 'pro', email: 'ada@example.com' });
    expect(track).toMatchObject({
      event: 'Order Completed',
      user_id: 'user-42',
      ip_truncated: '203.0.113.0',
      locale: 'en-GB',
    });
    expect(parse(track?.properties)).toEqual({ order_id: 'o-1', revenue: 39.5, currency: 'EUR' });
    expect(parse(track?.context).library).toMatchObject({ name: '@segment/analytics-node' });
    expect(parse(track?.context).ip).toBeUndefined();
    expect(page).toMatchObject({ event: 'Pricing', anonymous_id: 'anon-7' });
    expect(group).toMatchObject({ group_id: 'acme' });
    expect(alias).toMatchObject({ previous_id: 'anon-7', user_id: 'user-42' });
    for (const r of rows) {
      expect(String(r.message_id)).toMatch(/\S{10,}/);
      expect(Math.abs(Number(r.timestamp) - Number(r.received_at))).toBeLessThan(60_000);
    }
  });
});
