import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INSERT_EVENT_ROW } from '../../collector/ingest/row-sql.js';
import { eventRow, type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
let dir: string | undefined;
afterEach(async () => {
  await t.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Stored straight into the table: no commit announces them to the engine. */
const insertEvents = async (ids: string[]) => {
  for (const id of ids) {
    await t.deps.database.client.execute({
      sql: INSERT_EVENT_ROW,
      args: eventRow(t.source.id, id),
    });
  }
};

const lag = async () => {
  const text = await (await t.app.request('/metrics')).text();
  return Number(text.match(/^segmently_segment_engine_lag_events (\d+)$/m)?.[1]);
};

describe('segmently_segment_engine_lag_events', () => {
  it('counts committed events the segment engine has not evaluated, down to 0 once it caught up', async () => {
    t = await testCollector();
    expect(await lag()).toBe(0);
    await insertEvents(['m1', 'm2', 'm3']);
    expect(await lag()).toBe(3);
    await t.deps.segmentEngine.catchUp();
    expect(await lag()).toBe(0);
  });

  it('falls to 0 after a restart: events stored before it are caught up on start', async () => {
    dir = mkdtempSync(join(tmpdir(), 'segmently-lag-'));
    t = await testCollector({ dir });
    await insertEvents(['m1', 'm2']);
    expect(await lag()).toBe(2);
    await t.close();
    t = await testCollector({ dir });
    await vi.waitFor(async () => expect(await lag()).toBe(0), { timeout: 5000 });
  });
});
