import { openSync, readSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LATE_AUTOCHECKPOINT, startCheckpointer } from '../../collector/db/checkpointer.js';
import { CONNECTION_PRAGMAS } from '../../collector/db/client.js';
import { createWriteLock } from '../../collector/db/write-lock.js';
import { startWriteThread } from '../../collector/db/write-thread.js';
import { createWriter } from '../../collector/ingest/writer.js';
import { eventRow, type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
afterEach(() => t.close());

/** The WAL header's checkpoint sequence number: it grows each time the WAL starts over. */
function walGeneration(path: string) {
  const header = Buffer.alloc(16);
  readSync(openSync(`${path}-wal`, 'r'), header, 0, 16, 0);
  return header.readUInt32BE(12);
}

describe('checkpointer', () => {
  it('has the WAL start over while commits never stop, and every row stays stored', async () => {
    t = await testCollector();
    const { rows } = await t.deps.database.client.execute('PRAGMA database_list');
    const path = String(rows[0]?.file);
    const lock = createWriteLock();
    const checkpointer = await startCheckpointer(t.deps.database.client, path, lock, {
      intervalMs: 5,
      restartFrames: 64,
    });
    const thread = startWriteThread(path, [...CONNECTION_PRAGMAS, LATE_AUTOCHECKPOINT], lock);
    const writer = createWriter(thread.commit);
    const before = walGeneration(path);
    // 8 senders that always have the next group waiting: some commit lands during every pass.
    let n = 0;
    const until = Date.now() + 1500;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < until) {
          const group = Array.from({ length: 20 }, () =>
            eventRow(t.source.id, `m${n++}`, '{"x":1}'),
          );
          await writer.write(group);
        }
      }),
    );
    const after = walGeneration(path);
    const walBytes = statSync(`${path}-wal`).size;
    await thread.stop();
    await checkpointer.stop();
    expect(after - before).toBeGreaterThanOrEqual(2);
    // Started over, the WAL stays a fraction of what was written through it.
    expect(walBytes).toBeLessThan(n * 1000);
    const count = await t.deps.database.client.execute('SELECT count(*) FROM events');
    expect(Number(count.rows[0]?.[0])).toBe(n);
  });
});

describe('checkpointer that failed', () => {
  it('stops at once instead of waiting for an exit that already happened', async () => {
    t = await testCollector();
    // A folder is no database: the worker fails as it starts.
    let failed: () => void = () => {};
    const failure = new Promise<void>((r) => (failed = r));
    const checkpointer = await startCheckpointer(t.deps.database.client, t.dir, createWriteLock(), {
      onError: () => failed(),
    });
    await failure;
    await new Promise((r) => setTimeout(r, 50)); // its exit follows the error
    const stopped = await Promise.race([
      checkpointer.stop().then(() => true),
      new Promise((r) => setTimeout(() => r(false), 2000)),
    ]);
    expect(stopped).toBe(true);
  });
});
