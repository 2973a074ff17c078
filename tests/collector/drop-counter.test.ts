import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../../collector/db/client.js';
import { createDropCounter } from '../../collector/drops/counter.js';

let dir: string;
let database: Database;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'segmently-drops-'));
  database = await openDatabase(`file:${join(dir, 'test.db')}`);
});
afterEach(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

const counts = async () =>
  (
    await database.client.execute(
      'SELECT source_id, day, reason, count FROM event_drops ORDER BY reason',
    )
  ).rows.map((r) => [r.source_id, r.day, r.reason, r.count]);

it('adds counts up in memory and writes them, summed, when flushed', async () => {
  const day = Date.parse('2026-11-25T12:00:00Z');
  const drops = createDropCounter(database.client, () => day, 60_000);
  drops.add('s1', 'bot');
  drops.add('s1', 'bot');
  drops.add('s1', 'suppressed');
  expect(await counts()).toEqual([]);
  await drops.flush();
  expect(await counts()).toEqual([
    ['s1', '2026-11-25', 'bot', 2],
    ['s1', '2026-11-25', 'suppressed', 1],
  ]);
  drops.add('s1', 'bot');
  await drops.flush();
  expect((await counts())[0]).toEqual(['s1', '2026-11-25', 'bot', 3]);
});

it('keeps the counts of a write that failed for the next one', async () => {
  const day = Date.parse('2026-11-25T12:00:00Z');
  let failures = 0;
  // The first write meets the database locked past its busy timeout.
  const client = new Proxy(database.client, {
    get(target, name, receiver) {
      if (name !== 'batch') return Reflect.get(target, name, receiver);
      return (...args: Parameters<typeof target.batch>) => {
        if (failures++ === 0) return Promise.reject(new Error('SQLITE_BUSY: database is locked'));
        return target.batch(...args);
      };
    },
  });
  const drops = createDropCounter(client, () => day, 10);
  drops.add('s1', 'bot');
  drops.add('s1', 'bot');
  await vi.waitFor(() => expect(failures).toBeGreaterThan(0));
  drops.add('s1', 'bot');
  await drops.flush();
  expect(await counts()).toEqual([['s1', '2026-11-25', 'bot', 3]]);
});
