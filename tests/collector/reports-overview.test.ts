import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overviewReport } from '../../collector/reports/overview.js';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

const DAY = 86_400_000;
const D1 = Date.parse('2026-03-10T10:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();
// Analytics stays granted: the collector drops events whose stamped consent forbids them.
const consent = (functional: boolean, marketing: boolean) => ({
  consent: { categoryPreferences: { necessary: true, analytics: true, functional, marketing } },
});

let t: TestCollector;
beforeAll(async () => {
  t = await testCollector({ now: () => D1 + DAY });
  const campaign = (source: string, name: string) => ({
    campaign: { source, medium: 'cpc', name },
  });
  const batch = [
    // Visitor a: two days, from TikTok, buys twice in EUR.
    trackEvent({
      type: 'page',
      event: undefined,
      name: 'Home',
      anonymousId: 'a',
      timestamp: at(D1),
      context: { ...campaign('tiktok', 'spring'), ...consent(true, false) },
    }),
    trackEvent({
      event: 'Purchase',
      anonymousId: 'a',
      timestamp: at(D1 + 60_000),
      properties: { value: 89, currency: 'EUR' },
      context: { ...campaign('tiktok', 'spring'), ...consent(true, true) },
    }),
    trackEvent({
      event: 'Purchase',
      anonymousId: 'a',
      timestamp: at(D1 + DAY),
      properties: { value: 10.5, currency: 'eur' },
    }),
    // Visitor b: a pageview from Meta, no purchase.
    trackEvent({
      type: 'page',
      event: undefined,
      anonymousId: 'b',
      timestamp: at(D1 + 1000),
      context: { ...campaign('meta', 'retarget'), ...consent(false, false) },
    }),
    trackEvent({ event: 'AddToCart', anonymousId: 'b', timestamp: at(D1 + 2000) }),
    // Server-side purchase by a user without an anonymous id, in USD; a bad value is ignored.
    trackEvent({
      event: 'Purchase',
      anonymousId: undefined,
      userId: 'u9',
      timestamp: at(D1 + 3000),
      properties: { value: 5, currency: 'USD' },
    }),
    trackEvent({
      event: 'Purchase',
      anonymousId: 'c',
      timestamp: at(D1 + 4000),
      properties: { value: 'lots' },
    }),
    // Outside the range.
    trackEvent({
      event: 'Purchase',
      anonymousId: 'z',
      timestamp: at(D1 - 3 * DAY),
      properties: { value: 1000, currency: 'EUR' },
    }),
  ];
  const res = await t.post('/v1/batch', { batch }, t.basic());
  expect(await res.json()).toMatchObject({ accepted: batch.length, rejected: [] });
});
afterAll(() => t?.close());

const scope = () => ({ fromMs: Date.parse('2026-03-10'), toMs: Date.parse('2026-03-12') });

describe('overviewReport', () => {
  it('counts events, visitors, pageviews and conversion over the range', async () => {
    const r = await overviewReport(t.deps.database.client, scope());
    expect(r).toMatchObject({ events: 7, visitors: 4, pageviews: 2, purchases: 4, purchasers: 3 });
    expect(r.conversionRate).toBeCloseTo(3 / 4);
    expect(r.daily).toEqual([
      { day: '2026-03-10', events: 6, visitors: 4 },
      { day: '2026-03-11', events: 1, visitors: 1 },
    ]);
  });

  it('sums Purchase value per currency, ignoring values that are not numbers', async () => {
    const r = await overviewReport(t.deps.database.client, scope());
    expect(r.revenue).toEqual([
      { currency: 'EUR', amount: 99.5 },
      { currency: 'USD', amount: 5 },
    ]);
  });

  it('ranks events and UTM sources and campaigns', async () => {
    const r = await overviewReport(t.deps.database.client, scope());
    expect(r.topEvents[0]).toEqual({ name: 'Purchase', count: 4 });
    // A page's name is not an event: both pages count as `page`.
    expect(r.topEvents).toContainEqual({ name: 'page', count: 2 });
    expect(r.topEvents.map((e) => e.name)).not.toContain('Home');
    expect(r.topSources).toEqual([
      { name: 'tiktok', visitors: 1, events: 2 },
      { name: 'meta', visitors: 1, events: 1 },
    ]);
    expect(r.topCampaigns.map((c) => c.name).sort()).toEqual(['retarget', 'spring']);
  });

  it('takes consent opt-in rates from each visitor’s latest stamped decision', async () => {
    const r = await overviewReport(t.deps.database.client, scope());
    expect(r.consent.basis).toBe('events');
    expect(r.consent.decisions).toBe(2);
    const rate = Object.fromEntries(r.consent.rates.map((x) => [x.category, x.rate]));
    expect(rate).toEqual({ functional: 0.5, analytics: 1, marketing: 0.5, personalization: 0 });
  });

  it('prefers consent records when there are any, and filters by source', async () => {
    const other = await t.deps.sources.create({ name: 'Other' });
    await t.deps.database.client.execute({
      sql: `INSERT INTO consent_records (id, source_id, anonymous_id, categories, decision_source, given_at, received_at)
            VALUES ('c1', ?, 'a', '{"analytics":true,"marketing":false}', 'banner', ?, ?),
                   ('c2', ?, 'a', '{"analytics":true,"marketing":true}', 'settings', ?, ?),
                   ('c3', ?, 'x', '{"analytics":false}', 'banner', ?, ?)`,
      args: [t.source.id, D1, D1, t.source.id, D1 + 5000, D1 + 5000, other.id, D1, D1],
    });
    const mine = await overviewReport(t.deps.database.client, {
      ...scope(),
      sourceId: t.source.id,
    });
    expect(mine.consent).toMatchObject({ basis: 'records', decisions: 1 });
    expect(mine.consent.rates.find((x) => x.category === 'marketing')?.rate).toBe(1);
    const theirs = await overviewReport(t.deps.database.client, { ...scope(), sourceId: other.id });
    expect(theirs).toMatchObject({ events: 0, visitors: 0, conversionRate: 0 });
    expect(theirs.consent).toMatchObject({ basis: 'records', decisions: 1 });
    expect(theirs.consent.rates.find((x) => x.category === 'analytics')?.rate).toBe(0);
  });

  it('counts a rejection sent without the anonymous id as the same visitor’s latest decision', async () => {
    // The SDK keeps one record id per browser and sends a refusal without the anonymous id.
    const site = await t.deps.sources.create({ name: 'Site' });
    await t.deps.database.client.execute({
      sql: `INSERT INTO consent_records (id, source_id, anonymous_id, categories, decision_source, given_at, received_at)
            VALUES ('r1', ?1, 'b', '{"analytics":true,"marketing":true}', 'banner', ?2, ?2),
                   ('r1', ?1, NULL, '{"analytics":false,"marketing":false}', 'withdrawal', ?3, ?3),
                   ('r2', ?1, 'd', '{"analytics":true,"marketing":true}', 'banner', ?2, ?2)`,
      args: [site.id, D1, D1 + 1000],
    });
    const { consent } = await overviewReport(t.deps.database.client, {
      ...scope(),
      sourceId: site.id,
    });
    expect(consent).toMatchObject({ basis: 'records', decisions: 2 });
    expect(consent.rates.find((x) => x.category === 'marketing')?.rate).toBe(0.5);
  });

  it('counts no page or screen named Purchase as a purchase', async () => {
    const pages = await t.deps.sources.create({ name: 'Pages' });
    const named = (type: string) =>
      trackEvent({
        type,
        event: undefined,
        name: 'Purchase',
        anonymousId: 'p',
        timestamp: at(D1),
        properties: { value: 50, currency: 'EUR' },
      });
    const batch = [named('page'), named('screen')];
    const res = await t.post('/v1/batch', { batch }, t.basic(pages.writeKey));
    expect(await res.json()).toMatchObject({ accepted: 2 });
    const r = await overviewReport(t.deps.database.client, { ...scope(), sourceId: pages.id });
    expect(r).toMatchObject({ events: 2, pageviews: 1, purchases: 0, purchasers: 0, revenue: [] });
    expect(r.conversionRate).toBe(0);
    expect(r.topEvents).toEqual([
      { name: 'page', count: 1 },
      { name: 'screen', count: 1 },
    ]);
  });

  it("counts Segment's Order Completed, with total or revenue when there is no value", async () => {
    const server = await t.deps.sources.create({ name: 'Server' });
    const order = (userId: string, event: string, properties: Record<string, unknown>) =>
      trackEvent({ event, anonymousId: undefined, userId, timestamp: at(D1), properties });
    const batch = [
      order('s1', 'Order Completed', { revenue: 40, currency: 'usd' }),
      order('s1', 'Order Completed', { total: 60, revenue: 50, currency: 'USD' }),
      order('s2', 'Purchase', { value: 5, total: 100, currency: 'USD' }),
      order('s3', 'Checkout Started', { revenue: 1000, currency: 'USD' }),
    ];
    const res = await t.post('/v1/batch', { batch }, t.basic(server.writeKey));
    expect(await res.json()).toMatchObject({ accepted: 4 });
    const r = await overviewReport(t.deps.database.client, { ...scope(), sourceId: server.id });
    expect(r).toMatchObject({ visitors: 3, purchases: 3, purchasers: 2 });
    expect(r.conversionRate).toBeCloseTo(2 / 3);
    expect(r.revenue).toEqual([{ currency: 'USD', amount: 105 }]);
  });
});
