import type { Client } from '@libsql/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { profileReport } from '../../collector/reports/profile.js';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

const IDENTIFIES = 400;
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
  const profile = await profileReport(counting, 'u-busy');
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
