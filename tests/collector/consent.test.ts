import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

let t: TestCollector;
beforeEach(async () => {
  t = await testCollector({
    now: () => Date.parse('2026-11-25T12:00:00Z'),
    env: { TRUST_PROXY: 'true' },
  });
});
afterEach(() => t.close());

const decision = (overrides: Record<string, unknown> = {}) => ({
  id: 'consent-1',
  anonymousId: 'anon-1',
  categories: { analytics: true, marketing: false, functional: true },
  revision: 2,
  source: 'banner',
  givenAt: Date.parse('2026-11-25T11:59:59Z'),
  expiresAt: Date.parse('2027-05-26T11:59:59Z'),
  gpc: false,
  language: 'it',
  policyVersion: '2026-10',
  ...overrides,
});
const consent = (categoryPreferences: Record<string, boolean>, extra = {}) => ({
  context: { consent: { categoryPreferences, id: 'c1', revision: 1, gpc: false, ...extra } },
});

describe('POST /v1/consent', () => {
  it('appends each decision with a truncated IP, authenticated like ingest', async () => {
    const headers = {
      ...t.basic(),
      'X-Forwarded-For': '10.0.0.1, 203.0.113.77',
      'User-Agent': 'UA/1',
    };
    expect((await t.post('/v1/consent', decision(), headers)).status).toBe(201);
    const withdrawal = decision({
      categories: { analytics: false },
      source: 'withdrawal',
      givenAt: Date.parse('2026-11-25T12:00:00Z'),
    });
    const res = await t.post(
      '/v1/consent',
      { ...withdrawal, writeKey: t.source.writeKey },
      {
        'X-Forwarded-For': '2001:db8:abcd:12::1',
      },
    );
    expect(res.status).toBe(201);
    const rows = await t.rows('SELECT * FROM consent_records ORDER BY seq');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      id: 'consent-1',
      source_id: t.source.id,
      anonymous_id: 'anon-1',
      revision: 2,
      decision_source: 'banner',
      policy_version: '2026-10',
      language: 'it',
      gpc: 0,
      user_agent: 'UA/1',
      ip_truncated: '203.0.113.0',
      given_at: Date.parse('2026-11-25T11:59:59Z'),
      received_at: Date.parse('2026-11-25T12:00:00Z'),
    });
    expect(JSON.parse(String(rows[0]?.categories))).toEqual({
      analytics: true,
      marketing: false,
      functional: true,
      necessary: true,
    });
    expect(rows[1]).toMatchObject({
      decision_source: 'withdrawal',
      ip_truncated: '2001:db8:abcd::',
    });
  });

  it('honours Sec-GPC: marketing is recorded as denied', async () => {
    const res = await t.post('/v1/consent', decision({ categories: { marketing: true } }), {
      ...t.basic(),
      'Sec-GPC': '1',
    });
    expect(await res.json()).toMatchObject({ categories: { marketing: false } });
    const [row] = await t.rows('SELECT gpc, categories FROM consent_records');
    expect(row?.gpc).toBe(1);
    expect(JSON.parse(String(row?.categories)).marketing).toBe(false);
  });

  it('answers bad input with stable 4xx codes', async () => {
    expect((await t.post('/v1/consent', decision())).status).toBe(401);
    const bad = await t.post('/v1/consent', decision({ source: 'nope' }), t.basic());
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    // Times no date can hold (the dashboard formats them) or before 1970.
    for (const givenAt of [1e300, -1, 1.5]) {
      const odd = await t.post('/v1/consent', decision({ givenAt }), t.basic());
      expect(odd.status).toBe(400);
    }
    expect((await t.post('/v1/consent', decision({ expiresAt: 1e300 }), t.basic())).status).toBe(
      400,
    );
    expect(await t.rows('SELECT * FROM consent_records')).toEqual([]);
    const huge = await t.post(
      '/v1/consent',
      decision({ policyVersion: 'x'.repeat(9000) }),
      t.basic(),
    );
    expect(huge.status).toBe(413);
  });

  it('refuses text with control characters: libsql reads it back only up to a NUL', async () => {
    // Both were stored, and read back as two decisions of record "consent-1" at one time.
    for (const id of ['consent-1\0a', 'consent-1\0b']) {
      const res = await t.post('/v1/consent', decision({ id }), t.basic());
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({
        code: 'invalid_request',
        message: expect.stringContaining('must not contain control characters'),
      });
    }
    for (const field of ['anonymousId', 'userId', 'language', 'policyVersion']) {
      const res = await t.post('/v1/consent', decision({ [field]: 'x\0y' }), t.basic());
      expect(res.status).toBe(400);
    }
    expect(await t.rows('SELECT * FROM consent_records')).toEqual([]);
  });

  it('stores a re-sent decision once and the record id’s next decision again', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await t.post('/v1/consent', decision(), t.basic())).status).toBe(201);
    }
    const next = decision({
      categories: { analytics: false },
      givenAt: Date.parse('2026-11-25T12:00:00Z'),
    });
    expect((await t.post('/v1/consent', next, t.basic())).status).toBe(201);
    const rows = await t.rows('SELECT id, given_at FROM consent_records ORDER BY seq');
    expect(rows.map((r) => r.given_at)).toEqual([
      Date.parse('2026-11-25T11:59:59Z'),
      Date.parse('2026-11-25T12:00:00Z'),
    ]);
  });
});

describe('consent re-enforcement at ingest', () => {
  it('stores allowed events, drops the rest by reason and counts them per source', async () => {
    const batch = [
      trackEvent(consent({ analytics: true })),
      trackEvent(consent({ analytics: false, marketing: true })),
      trackEvent(consent({})),
      trackEvent({ context: { consent: 'yes' } }),
      trackEvent(
        consent({ marketing: true, analytics: true }, { category: 'marketing', gpc: true }),
      ),
      trackEvent(), // a server library: no consent context, the sender answers for it
      trackEvent(consent({ analytics: true, ads: true }, { category: 'ads' })), // no such category
    ];
    const res = await t.post('/v1/batch', { batch }, t.basic());
    expect(await res.json()).toEqual({ accepted: 7, rejected: [] });
    const stored = await t.rows();
    expect(stored.map((r) => r.message_id)).toEqual([batch[0]?.messageId, batch[5]?.messageId]);

    const drops = await t.admin(`/api/v1/drops?sourceId=${t.source.id}`);
    expect(await drops.json()).toEqual({
      drops: [
        { sourceId: t.source.id, day: '2026-11-25', reason: 'consent_denied', count: 3 },
        { sourceId: t.source.id, day: '2026-11-25', reason: 'consent_gpc', count: 1 },
        { sourceId: t.source.id, day: '2026-11-25', reason: 'consent_missing', count: 1 },
      ],
    });
    expect(t.deps.metrics.render()).toMatch(
      /segmently_events_dropped_total\{reason="consent_denied"\} 3/,
    );
  });

  it('applies Sec-GPC to marketing events and requireConsent to events without consent', async () => {
    await t.deps.sources.update(t.source.id, { requireConsent: true });
    const marketing = trackEvent(consent({ marketing: true }, { category: 'marketing' }));
    const bare = trackEvent();
    await t.post('/v1/batch', { batch: [marketing, bare] }, { ...t.basic(), 'Sec-GPC': '1' });
    const allowed = trackEvent(consent({ marketing: true }, { category: 'marketing' }));
    await t.post('/v1/batch', { batch: [allowed] }, t.basic());
    expect((await t.rows()).map((r) => r.message_id)).toEqual([allowed.messageId]);
    const { drops } = (await (await t.admin('/api/v1/drops')).json()) as {
      drops: { reason: string; count: number }[];
    };
    expect(drops.map((d) => [d.reason, d.count])).toEqual([
      ['consent_gpc', 1],
      ['consent_missing', 1],
    ]);
  });
  it('keeps no rejected payload whose consent does not allow the event', async () => {
    // Each lacks its event name: rejected, and kept in failed_events only when consent allows.
    const invalid = (extra: Record<string, unknown>) => trackEvent({ event: undefined, ...extra });
    const batch = [
      invalid(consent({ analytics: false })),
      invalid(consent({ analytics: true })),
      invalid({}),
    ];
    const res = await t.post('/v1/batch', { batch }, t.basic());
    expect((await res.json()).rejected).toHaveLength(3);
    await t.deps.sources.update(t.source.id, { requireConsent: true });
    await t.post('/v1/batch', { batch: [invalid({})] }, t.basic());
    const kept = await t.rows('SELECT payload FROM failed_events ORDER BY id');
    expect(kept.map((r) => JSON.parse(String(r.payload)).messageId)).toEqual([
      batch[1]?.messageId,
      batch[2]?.messageId,
    ]);
  });

  it('adds up drop counts from concurrent requests', async () => {
    const denied = () => trackEvent(consent({ analytics: false }));
    await Promise.all(
      [1, 2, 3].map(() => t.post('/v1/batch', { batch: [denied(), denied()] }, t.basic())),
    );
    await t.post('/v1/batch', { batch: [denied()] }, t.basic());
    const { drops } = (await (await t.admin('/api/v1/drops?since=2026-11-25')).json()) as {
      drops: { count: number }[];
    };
    expect(drops).toEqual([expect.objectContaining({ reason: 'consent_denied', count: 7 })]);
    expect(await t.rows()).toEqual([]);
  });
});

describe('GET /api/v1/consent/stats', () => {
  it('gives opt-in rates per category per day', async () => {
    for (const [i, categories] of [
      { analytics: true, marketing: true },
      { analytics: true, marketing: false },
      { analytics: false },
      { analytics: true, personalization: true },
    ].entries())
      await t.post('/v1/consent', decision({ id: `c${i}`, categories }), t.basic());
    const res = await t.admin(`/api/v1/consent/stats?sourceId=${t.source.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      days: [
        {
          day: '2026-11-25',
          decisions: 4,
          optIn: {
            functional: { granted: 0, rate: 0 },
            analytics: { granted: 3, rate: 0.75 },
            marketing: { granted: 1, rate: 0.25 },
            personalization: { granted: 1, rate: 0.25 },
          },
        },
      ],
    });
    expect((await t.app.request('/api/v1/consent/stats')).status).toBe(401);
  });
});
