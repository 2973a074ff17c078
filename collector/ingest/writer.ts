import type { Client, InStatement } from '@libsql/client';

/** An events row as the writer inserts it, in column order (see INSERT_EVENTS). */
export type EventRow = [
  sourceId: string,
  messageId: string,
  type: string,
  event: string | null,
  anonymousId: string | null,
  userId: string | null,
  previousId: string | null,
  groupId: string | null,
  timestamp: number,
  receivedAt: number,
  properties: unknown,
  traits: unknown,
  context: unknown,
];

export type FailedRow = [
  sourceId: string | null,
  receivedAt: number,
  code: string,
  message: string,
  payload: string,
];

const col = (i: number) => `value->>${i}`;
const json = (i: number) =>
  `CASE WHEN json_type(value, '$[${i}]') = 'object' THEN value->>${i} END`;

const INSERT_EVENTS = `INSERT OR IGNORE INTO events (source_id, message_id, type, event, anonymous_id,
  user_id, previous_id, group_id, timestamp, received_at, properties, traits, context)
  SELECT ${[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(col).join(', ')}, ${json(10)}, ${json(11)}, ${json(12)}
  FROM json_each(?)`;

const INSERT_FAILED = `INSERT INTO failed_events (source_id, received_at, code, message, payload)
  SELECT ${[0, 1, 2, 3, 4].map(col).join(', ')} FROM json_each(?)`;

/** Rows per statement: one statement per ~2,000 rows was fastest (each execute re-prepares). */
const CHUNK = 2000;

interface Job {
  events: EventRow[];
  failed: FailedRow[];
  done: (err?: unknown) => void;
}

export interface WriterStats {
  flushes: number;
  rows: number;
  lastFlushMs: number;
}

/**
 * The single writer. Concurrent requests hand their rows over and wait; whenever the
 * writer is idle it commits everything pending in one transaction (group commit), so a
 * request is answered only after its rows are durable and a busy server writes large batches.
 */
export function createWriter(client: Client, onCommit?: () => void) {
  let pending: Job[] = [];
  let running = false;
  let closed = false;
  const stats: WriterStats = { flushes: 0, rows: 0, lastFlushMs: 0 };

  // `running` is set when a drain is scheduled, so concurrent writes schedule only one.
  async function drain(): Promise<void> {
    while (pending.length > 0) {
      const jobs = pending;
      pending = [];
      const events = jobs.flatMap((j) => j.events);
      const failed = jobs.flatMap((j) => j.failed);
      const stmts: InStatement[] = [];
      for (let i = 0; i < events.length; i += CHUNK) {
        stmts.push({ sql: INSERT_EVENTS, args: [JSON.stringify(events.slice(i, i + CHUNK))] });
      }
      if (failed.length) stmts.push({ sql: INSERT_FAILED, args: [JSON.stringify(failed)] });
      const started = performance.now();
      try {
        await client.batch(stmts, 'write');
        stats.flushes++;
        stats.rows += events.length;
        stats.lastFlushMs = performance.now() - started;
        for (const j of jobs) j.done();
        if (events.length) onCommit?.();
      } catch (err) {
        for (const j of jobs) j.done(err);
      }
    }
    running = false;
  }

  return {
    stats,
    get depth() {
      return pending.reduce((n, j) => n + j.events.length + j.failed.length, 0);
    },
    /** Resolves once the rows are committed. */
    write(events: EventRow[], failed: FailedRow[] = []): Promise<void> {
      if (closed) return Promise.reject(new Error('writer closed'));
      if (events.length === 0 && failed.length === 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        pending.push({ events, failed, done: (err) => (err ? reject(err) : resolve()) });
        if (!running) {
          running = true;
          setImmediate(drain);
        }
      });
    },
    /** Stops accepting rows and waits for everything pending to be committed. */
    async close(): Promise<void> {
      closed = true;
      while (running || pending.length) await new Promise((r) => setTimeout(r, 5));
    },
  };
}

export type Writer = ReturnType<typeof createWriter>;
