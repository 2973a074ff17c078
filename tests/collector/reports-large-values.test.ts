import { afterAll, beforeAll, expect, it } from 'vitest';
import { contentReport } from '../../collector/reports/content.js';
import { overviewReport } from '../../collector/reports/overview.js';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

// Whole numbers past 2^53 in properties: SQLite's sum() would return an integer that the
// client refuses to read (every report over that range answered 500).
const D1 = Date.parse('2026-03-10T10:00:00Z');
const scope = { fromMs: Date.parse('2026-03-10'), toMs: Date.parse('2026-03-11') };
let t: TestCollector;
beforeAll(async () => {
  t = await testCollector({ now: () => D1 });
  const consent = { consent: { categoryPreferences: { necessary: true, analytics: true } } };
  const at = new Date(D1).toISOString();
  const huge = (event: string, properties: Record<string, unknown>) =>
    trackEvent({ event, timestamp: at, properties, context: consent });
  await t.post(
    '/v1/batch',
    {
      batch: [
        huge('Purchase', { value: 9e15, currency: 'EUR' }),
        huge('Purchase', { value: 9e15, currency: 'EUR' }),
        huge('VideoProgress', { content_id: 'v1', watched_seconds: 9e15 }),
        huge('VideoProgress', { content_id: 'v1', watched_seconds: 9e15 }),
      ],
    },
    t.basic(),
  );
});
afterAll(() => t.close());

it('sums Purchase values past 2^53 without failing the overview', async () => {
  const { revenue } = await overviewReport(t.deps.database.client, scope);
  expect(revenue).toEqual([{ currency: 'EUR', amount: 1.8e16 }]);
});

it('sums watch time past 2^53 without failing the content report', async () => {
  const { items } = await contentReport(t.deps.database.client, scope);
  expect(items[0]).toMatchObject({ contentId: 'v1', watchSeconds: 1.8e16 });
});
