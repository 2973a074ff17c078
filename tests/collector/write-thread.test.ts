import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONNECTION_PRAGMAS } from '../../collector/db/client.js';
import { startWriteThread } from '../../collector/db/write-thread.js';
import { createWriter, type EventRow } from '../../collector/ingest/writer.js';
import { eventRow, type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
let thread: ReturnType<typeof startWriteThread>;
beforeEach(async () => {
  t = await testCollector();
  const { rows } = await t.deps.database.client.execute('PRAGMA database_list');
  thread = startWriteThread(String(rows[0]?.file), CONNECTION_PRAGMAS);
});
afterEach(async () => {
  await thread.stop();
  await t.close();
});

const row = (messageId: string): EventRow => {
  const r = eventRow(t.source.id, messageId, '{"n":1}');
  r[13] = 'desktop';
  r[17] = '127.0.0.0';
  return r;
};

describe('write thread', () => {
  it('commits events and failed rows that the main connection then reads', async () => {
    const writer = createWriter(thread.commit);
    await Promise.all([
      writer.write([row('m1'), row('m2')]),
      writer.write([row('m1')], [[t.source.id, 3, 'invalid_event', 'bad', '{}']]),
    ]);
    const events = await t.rows();
    expect(events.map((e) => e.message_id)).toEqual(['m1', 'm2']);
    expect(events[0]).toMatchObject({
      timestamp: 1,
      properties: '{"n":1}',
      device_type: 'desktop',
    });
    const failed = await t.deps.database.client.execute('SELECT code FROM failed_events');
    expect(failed.rows.map((r) => r.code)).toEqual(['invalid_event']);
  });

  it('fails only the request whose rows cannot be bound, not the rest of its group', async () => {
    const writer = createWriter(thread.commit);
    const good = writer.write([row('g1')]);
    // A value SQLite cannot bind (the types rule it out; a bug could still send one).
    const bad = writer.write([[...row('b1').slice(0, 17), {}] as unknown as EventRow]);
    await expect(bad).rejects.toThrow();
    await expect(good).resolves.toBeUndefined();
    expect((await t.rows()).map((e) => e.message_id)).toEqual(['g1']);
  });

  it('refuses commits once stopped', async () => {
    await thread.stop();
    await expect(thread.commit([row('late')], [])).rejects.toThrow('write thread stopped');
  });
});
