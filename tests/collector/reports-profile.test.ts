import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileReport } from '../../collector/reports/profile.js';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

const IDENTIFIES = 400;
const NOW = Date.parse('2026-02-01T00:00:00Z');
let t: TestCollector;
beforeAll(async () => {
  t = await testCollector();
  const identify = (i: number, traits: Record<string, unknown>) =>
    trackEvent({
      type: 'identify',
      userId: 'u-busy',
      anonymousId: 'a-busy',
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      traits,
    });
  // A server-side integration identifying the user on every request.
  const batch = Array.from({ length: IDENTIFIES }, (_, i) =>
    identify(
      i,
      i === 0 ? { plan: 'free', first: { ok: true }, 'a.b': 'dotted' } : { plan: `p${i}`, n: i },
    ),
  );
  expect((await t.post('/v1/batch', { batch }, t.basic())).status).toBe(200);
  await t.post('/v1/batch', { batch: [identify(IDENTIFIES, { n: null, price: 0.1 })] }, t.basic());
});
afterAll(() => t.close());

it('merges the traits of every identify without reading them all into memory', async () => {
  const client = t.deps.database.client;
  let largest = 0;
  const counting = new Proxy(client, {
    get: (target, key) =>
      key === 'execute'
        ? async (...args: Parameters<Client['execute']>) => {
            const r = await target.execute(...args);
            largest = Math.max(largest, r.rows.length);
            return r;
          }
        : Reflect.get(target, key),
  });
  const profile = await profileReport(counting, 'u-busy', { now: NOW });
  expect(profile?.traits).toEqual({
    plan: `p${IDENTIFIES - 1}`,
    n: null,
    first: { ok: true },
    'a.b': 'dotted',
    price: 0.1,
  });
  expect(profile?.eventCount).toBe(IDENTIFIES + 1);
  expect(largest).toBeLessThanOrEqual(50);
});

describe('a profile’s consent', () => {
  const granted = { necessary: true, analytics: true, marketing: true };
  const visit = (anonymousId: string, at: string) =>
    trackEvent({
      anonymousId,
      timestamp: at,
      context: { consent: { id: `rec-${anonymousId}`, categoryPreferences: granted } },
    });
  const decide = (id: string, body: Record<string, unknown>) =>
    t.post('/v1/consent', { id, source: 'banner', ...body }, t.basic());

  it('is a "reject all" sent without the anonymous id, found by the record id its events carried', async () => {
    await t.post('/v1/batch', { batch: [visit('rejecter', '2026-01-02T10:00:00Z')] }, t.basic());
    const reject = { categories: { analytics: false, marketing: false } };
    await decide('rec-rejecter', { ...reject, givenAt: Date.parse('2026-01-02T10:05:00Z') });
    const profile = await profileReport(t.deps.database.client, 'rejecter', { now: NOW });
    expect(profile?.consent).toMatchObject({ basis: 'record', categories: reject.categories });
  });

  it('grants nothing once its record expired', async () => {
    await t.post('/v1/batch', { batch: [visit('lapsed', '2025-01-02T10:00:00Z')] }, t.basic());
    await decide('rec-lapsed', {
      anonymousId: 'lapsed',
      categories: granted,
      givenAt: Date.parse('2025-01-02T10:00:00Z'),
      expiresAt: Date.parse('2025-07-02T10:00:00Z'),
    });
    const profile = await profileReport(t.deps.database.client, 'lapsed', { now: NOW });
    expect(profile?.consent).toMatchObject({
      basis: 'record',
      categories: {},
      expiredAt: Date.parse('2025-07-02T10:00:00Z'),
    });
  });
});
