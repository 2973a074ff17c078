import { afterEach, expect, it } from 'vitest';
import { collectAllFacts, FactsCollector } from '../../../collector/segments/load-facts.js';
import { testCollector } from '../helpers.js';

let t: Awaited<ReturnType<typeof testCollector>>;
afterEach(() => t?.close());

it('reads the same facts in a worker thread as on the main thread, across chunks', async () => {
  t = await testCollector({ segmentSweepMs: 0 });
  const { client } = t.deps.database;
  // 45k events (three scan chunks) over 300 visitors, some with properties, one identified.
  await client.execute({
    sql: `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 44999)
      INSERT INTO events (source_id, message_id, type, event, anonymous_id, user_id, timestamp,
        received_at, properties, traits)
      SELECT ?, 'm' || i, CASE WHEN i % 300 = 7 THEN 'identify' WHEN i % 2 THEN 'page' ELSE 'track' END,
        CASE WHEN i % 2 = 0 AND i % 300 != 7 THEN 'AddToCart' END, 'anon-' || (i % 300),
        CASE WHEN i % 300 = 7 THEN 'user-7' END, 1700000000000 + (i * 7919 % 1000) * 1000, 0,
        CASE WHEN i % 2 = 0 THEN json_object('cart_id', 'c' || i) END,
        CASE WHEN i % 300 = 7 THEN json_object('plan', 'p' || i) END
      FROM n`,
    args: [t.source.id],
  });
  const identities = await t.deps.segmentEngine.identitiesOf(t.source.id);
  const facts = async (fileUrl?: string) => {
    const collector = new FactsCollector(identities);
    await collectAllFacts(client, t.source.id, collector, new Set(['AddToCart']), fileUrl);
    return collector.finish(client);
  };
  const here = await facts();
  const worker = await facts(`file:${t.dir}/test.db`);
  expect(here.size).toBe(300);
  expect(here.get('a:anon-1')?.events).toHaveLength(150);
  expect(here.get('u:user-7')?.traits).toEqual({ plan: expect.stringMatching(/^p\d+$/) });
  expect(worker).toEqual(here);
});
