import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONNECTION_PRAGMAS } from '../../collector/db/client.js';
import { createWriteLock } from '../../collector/db/write-lock.js';
import { startWriteThread } from '../../collector/db/write-thread.js';
import { createWriter, type EventRow } from '../../collector/ingest/writer.js';
import { eventRow, type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
let thread: ReturnType<typeof startWriteThread>;
beforeEach(async () => {
  t = await testCollector();
  const { rows } = await t.deps.database.client.execute('PRAGMA database_list');
  thread = startWriteThread(String(rows[0]?.file), CONNECTION_PRAGMAS, createWriteLock());
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

  it('stores every row of groups that fill several multi-row inserts and leave a remainder', async () => {
    const writer = createWriter(thread.commit);
    // 16 rows per statement: 37 = 2 full statements + 5 single rows; 3 and 16 on their own.
    const ids = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
    const groups = [ids('a', 37), ids('b', 3), ids('c', 16)];
    await Promise.all(groups.map((g) => writer.write(g.map(row))));
    const stored = await t.rows();
    expect(stored.map((e) => e.message_id).sort()).toEqual(groups.flat().sort());
    // Each value lands in its own column, row by row.
    expect(stored.find((e) => e.message_id === 'a-36')).toMatchObject({
      source_id: t.source.id,
      properties: '{"n":1}',
      device_type: 'desktop',
      ip_truncated: '127.0.0.0',
    });
  });

  it('fails only the request whose rows cannot be bound, even inside a multi-row insert', async () => {
    const writer = createWriter(thread.commit);
    const good = writer.write(Array.from({ length: 20 }, (_, i) => row(`g${i}`)));
    // Rows 20–31 of the group: the bad one is in the second 16-row statement.
    const bad = writer.write([
      [...row('b-bad').slice(0, 17), {}] as unknown as EventRow,
      ...Array.from({ length: 11 }, (_, i) => row(`b${i}`)),
    ]);
    await expect(bad).rejects.toThrow();
    await expect(good).resolves.toBeUndefined();
    expect(await t.rows()).toHaveLength(20);
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

  it('fails a request whose row breaks NOT NULL instead of acknowledging it unstored; repeats are ignored', async () => {
    const writer = createWriter(thread.commit);
    const noType = (id: string) => {
      const r = row(id);
      (r as unknown[])[2] = null;
      return r;
    };
    const good = writer.write([row('g1'), row('g1')]);
    // Either where a 16-row insert would take it or alone.
    const inMultiRow = writer.write([
      noType('n1'),
      ...Array.from({ length: 15 }, (_, i) => row(`n${i + 2}`)),
    ]);
    const alone = writer.write([noType('n17')]);
    await expect(inMultiRow).rejects.toThrow(/NOT NULL/);
    await expect(alone).rejects.toThrow(/NOT NULL/);
    await expect(good).resolves.toBeUndefined();
    expect((await t.rows()).map((e) => e.message_id)).toEqual(['g1']);
  });

  it('commits messages that queued up behind a commit together, and a bad one fails alone', async () => {
    // Posted in one go, all but the first wait in the thread's queue and join one transaction.
    const good = Array.from({ length: 5 }, (_, i) => thread.commit([row(`q${i}`)], [], []));
    const bad = thread.commit([[...row('qb').slice(0, 17), {}] as unknown as EventRow], [], []);
    const after = thread.commit([row('q5')], [[t.source.id, 3, 'invalid_event', 'bad', '{}']], []);
    await expect(bad).rejects.toThrow();
    await Promise.all([...good, after]);
    const stored = (await t.rows()).map((e) => e.message_id).sort();
    expect(stored).toEqual(['q0', 'q1', 'q2', 'q3', 'q4', 'q5']);
    const failed = await t.deps.database.client.execute('SELECT count(*) AS n FROM failed_events');
    expect(failed.rows[0]?.n).toBe(1);
  });

  it('refuses commits once stopped', async () => {
    await thread.stop();
    await expect(thread.commit([row('late')], [], [])).rejects.toThrow('write thread stopped');
  });
});
