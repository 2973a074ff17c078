import { afterEach, describe, expect, it } from 'vitest';
import { INSERT_EVENT_ROW } from '../../collector/ingest/row-sql.js';
import { eventRow, type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
afterEach(() => t.close());

const lag = async () => {
  const text = await (await t.app.request('/metrics')).text();
  return Number(text.match(/^segmently_segment_engine_lag_events (\d+)$/m)?.[1]);
};

describe('segmently_segment_engine_lag_events', () => {
  it('counts committed events the segment engine has not evaluated, down to 0 once it caught up', async () => {
    t = await testCollector();
    expect(await lag()).toBe(0);
    // Straight into the table: no commit announces them to the engine.
    for (const id of ['m1', 'm2', 'm3']) {
      await t.deps.database.client.execute({
        sql: INSERT_EVENT_ROW,
        args: eventRow(t.source.id, id),
      });
    }
    expect(await lag()).toBe(3);
    await t.deps.segmentEngine.catchUp();
    expect(await lag()).toBe(0);
  });
});
