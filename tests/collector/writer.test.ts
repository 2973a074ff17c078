import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../collector/errors.js';
import { createIngest } from '../../collector/ingest/ingest-events.js';
import { commitOnClient } from '../../collector/ingest/row-sql.js';
import { NO_SENDER } from '../../collector/ingest/sender.js';
import {
  type CommitRows,
  createWriter,
  EARLY_GROUP_ROWS,
  type EventRow,
  type Writer,
  WriterClosedError,
  WriterOverloadedError,
} from '../../collector/ingest/writer.js';
import { consentRow, eventRow, type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
let writer: Writer;
beforeEach(async () => {
  t = await testCollector();
  writer = t.deps.writer;
});
afterEach(() => t.close());

let n = 0;
function row(properties: unknown = { n }): EventRow {
  n++;
  return eventRow(t.source.id, `m-${n}`, JSON.stringify(properties));
}

/** A row the writer cannot encode (a BigInt has no JSON form): its commit fails. */
function unwritable(): EventRow {
  const r = row();
  r[8] = 1n as unknown as number;
  return r;
}

describe('group-commit writer', () => {
  it('commits concurrent writes together and resolves each only after its commit', async () => {
    const before = writer.stats.flushes;
    const writes = Array.from({ length: 50 }, () => writer.write([row(), row()]));
    expect(writer.depth).toBe(100);
    await Promise.all(writes);
    expect(writer.stats.flushes - before).toBe(1);
    expect(await t.rows()).toHaveLength(100);
  });

  it('fails only the request whose rows cannot be written, not the rest of its group', async () => {
    const good = writer.write([row()]);
    const bad = writer.write([unwritable()]);
    const alsoGood = writer.write([row()]);
    await expect(bad).rejects.toThrow();
    await expect(good).resolves.toBeUndefined();
    await expect(alsoGood).resolves.toBeUndefined();
    expect(await t.rows()).toHaveLength(2);
  });

  it('fails a request whose row breaks NOT NULL instead of acknowledging it unstored', async () => {
    const good = writer.write([row()]);
    const noType = row();
    (noType as unknown[])[2] = null;
    const bad = writer.write([noType]);
    await expect(bad).rejects.toThrow(/NOT NULL/);
    await expect(good).resolves.toBeUndefined();
    expect(await t.rows()).toHaveLength(1);
  });

  it('close() commits what is pending, then refuses new rows', async () => {
    const pending = writer.write([row(), row(), row()]);
    await writer.close();
    await pending;
    expect(await t.rows()).toHaveLength(3);
    await expect(writer.write([row()])).rejects.toBeInstanceOf(WriterClosedError);
  });

  it('flush() waits for rows handed over before it', async () => {
    void writer.write([row()]);
    await writer.flush();
    expect(await t.rows()).toHaveLength(1);
  });

  it('sends the next group early while one commits once enough rows wait, two at most', async () => {
    const real = commitOnClient(t.deps.database.client);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const groups: number[] = [];
    const gated: CommitRows = async (events, failed, consent) => {
      groups.push(events.length);
      if (groups.length === 1) await held;
      await real(events, failed, consent);
    };
    const backlogged: boolean[] = [];
    const gatedWriter = createWriter(gated, (b) => backlogged.push(b));
    const rows = (count: number) => Array.from({ length: count }, () => row());
    const writes = [gatedWriter.write(rows(1))];
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([1]);
    // Fewer rows than EARLY_GROUP_ROWS wait for the group in flight ...
    writes.push(gatedWriter.write(rows(EARLY_GROUP_ROWS - 1)));
    expect(groups).toEqual([1]);
    // ... enough go out at once ...
    writes.push(gatedWriter.write(rows(1)));
    expect(groups).toEqual([1, EARLY_GROUP_ROWS]);
    // ... but never a third group beside two in flight.
    writes.push(gatedWriter.write(rows(EARLY_GROUP_ROWS)));
    expect(groups).toEqual([1, EARLY_GROUP_ROWS]);
    let flushed = false;
    const flush = gatedWriter.flush().then(() => (flushed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(flushed).toBe(false);
    release();
    await Promise.all([...writes, flush]);
    expect(groups).toEqual([1, EARLY_GROUP_ROWS, EARLY_GROUP_ROWS]);
    expect(await t.rows()).toHaveLength(1 + 2 * EARLY_GROUP_ROWS);
    // The groups that went out beside another tell the segment engine ingest is backlogged.
    expect(backlogged.sort()).toEqual([false, true, true]);
    await gatedWriter.close();
  });

  it('close() waits for two groups in flight and the rows waiting behind them', async () => {
    const gates: (() => void)[] = [];
    const real = commitOnClient(t.deps.database.client);
    const slow = createWriter(async (...args) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      await real(...args);
    });
    const rows = (count: number) => Array.from({ length: count }, () => row());
    const writes = [slow.write(rows(1))];
    await new Promise((resolve) => setImmediate(resolve));
    writes.push(slow.write(rows(EARLY_GROUP_ROWS)), slow.write(rows(5)));
    let closed = false;
    const close = slow.close().then(() => (closed = true));
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    await settle();
    expect(gates).toHaveLength(2);
    gates[0]?.(); // the first group commits; the second is still in flight
    await settle();
    expect(closed).toBe(false);
    gates[1]?.(); // then the rows that waited go out as a third group
    await settle();
    expect(closed).toBe(false);
    gates[2]?.();
    await close;
    expect(await t.rows()).toHaveLength(EARLY_GROUP_ROWS + 6);
    await Promise.all(writes);
  });

  it('flush() also waits for groups already committing', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const real = commitOnClient(t.deps.database.client);
    const slow = createWriter(async (...args) => {
      await held;
      await real(...args);
    });
    const write = slow.write([row()]);
    await new Promise((resolve) => setImmediate(resolve));
    let flushed = false;
    const flush = slow.flush().then(() => (flushed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(flushed).toBe(false);
    release();
    await Promise.all([write, flush]);
    expect(await t.rows()).toHaveLength(1);
    await slow.close();
  });

  it('tells onCommit of commits that stored events, not of consent records or failed rows alone', async () => {
    let commits = 0;
    const observed = createWriter(commitOnClient(t.deps.database.client), () => commits++);
    const decision = consentRow(t.source.id, 'c1');
    await observed.write([], [[t.source.id, 1, 'invalid_event', 'bad', '{}']], [decision]);
    expect(commits).toBe(0);
    await observed.write([row()], [], [decision]);
    expect(commits).toBe(1);
    await observed.close();
  });

  it('refuses rows beyond its limit of waiting rows, keeps those it took, and takes more once they went out', async () => {
    const gates: (() => void)[] = [];
    const real = commitOnClient(t.deps.database.client);
    const gated = createWriter(
      async (...args) => {
        await new Promise<void>((resolve) => gates.push(resolve));
        await real(...args);
      },
      undefined,
      undefined,
      10,
    );
    const rows = (count: number) => Array.from({ length: count }, () => row());
    // The first group goes out and stalls; rows then wait up to the limit.
    const first = gated.write(rows(1));
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = [gated.write(rows(6)), gated.write(rows(4))];
    await expect(gated.write(rows(1))).rejects.toBeInstanceOf(WriterOverloadedError);
    /** Lets every group that reaches the gate through, until none comes. */
    const drain = async () => {
      for (let i = 0; i < 5; i++) {
        for (const gate of gates.splice(0)) gate();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await drain();
    await Promise.all([first, ...waiting]);
    const later = gated.write(rows(1));
    await drain();
    await later;
    expect(await t.rows()).toHaveLength(12);
    await gated.close();
  });

  it('answers an ingest 503 overloaded, with Retry-After, while too many rows wait', async () => {
    const full = createWriter(() => Promise.resolve(), undefined, undefined, 0);
    const ingest = createIngest({ ...t.deps, writer: full });
    const refused = await ingest(
      { raws: [{ type: 'page', anonymousId: 'a' }], measure: false },
      { ...NO_SENDER, source: t.source, ipTruncated: null, suppressions: t.deps.suppressions },
    ).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      status: 503,
      code: 'overloaded',
      headers: { 'Retry-After': '1' },
    });
  });

  it('answers 503 shutting_down to a request that arrives after close', async () => {
    await writer.close();
    const res = await t.post(
      '/v1/batch',
      { batch: [{ type: 'page', anonymousId: 'a' }] },
      t.basic(),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBe('5');
    expect((await res.json()).error.code).toBe('shutting_down');
  });
});
