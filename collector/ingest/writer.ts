/** Commits rows in one transaction; resolves once they are durable. */
export type CommitRows = (
  events: EventRow[],
  failed: FailedRow[],
  consent: ConsentRow[],
) => Promise<void>;

/** An events row as the writer inserts it, in column order (see row-sql.ts). */
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
  /** JSON text of an object, or null (stringified by the caller: SQLite re-parsing is slower). */
  properties: string | null,
  traits: string | null,
  context: string | null,
  deviceType: string | null,
  os: string | null,
  browser: string | null,
  locale: string | null,
  ipTruncated: string | null,
];

export type FailedRow = [
  sourceId: string | null,
  receivedAt: number,
  code: string,
  message: string,
  payload: string,
];

/** A consent_records row (one decision of the consent log), in column order (see row-sql.ts). */
export type ConsentRow = [
  id: string,
  sourceId: string,
  anonymousId: string | null,
  userId: string | null,
  /** JSON text of the categories object. */
  categories: string,
  revision: number,
  decisionSource: string,
  policyVersion: string | null,
  language: string | null,
  gpc: 0 | 1,
  userAgent: string | null,
  ipTruncated: string | null,
  givenAt: number,
  expiresAt: number | null,
  receivedAt: number,
];

interface Job {
  events: EventRow[];
  failed: FailedRow[];
  consent: ConsentRow[];
  done: (err?: unknown) => void;
}

export interface WriterStats {
  flushes: number;
  /** Events committed (failed rows and consent records not counted). */
  rows: number;
  lastFlushMs: number;
  /** The last commit failed (until one succeeds): nothing can be stored, as /health says. */
  failing: boolean;
}

/** Flush sizes and latencies reported to /metrics. */
export interface WriterObserver {
  flushed(rows: number, seconds: number): void;
  depth(rows: number): void;
}

/**
 * While a group commits, the next one goes out early once this many rows wait: the write
 * thread starts it as soon as the first is done instead of idling through the round trip to
 * the main thread and back (at 20 events/request it idled ~35% of the time; the ingest bench
 * gained 11–20% events/s). Fewer rows wait for the group in flight, so at 1 event/request
 * groups stay at ~17 rows instead of going out one request at a time (−12% req/s measured).
 */
export const EARLY_GROUP_ROWS = 200;
/**
 * Rows waiting for a group beyond which writes are refused (WriterOverloadedError, a 503 the
 * sender retries): when the database falls behind for good, memory and waiting times would
 * grow without end. Max load of the ingest bench keeps a few hundred waiting.
 */
export const MAX_PENDING_ROWS = 100_000;
/** Groups committing at once: one in the write thread's hands, one queued behind it. */
const MAX_IN_FLIGHT = 2;

/**
 * The single writer. Concurrent requests hand their rows over and wait; whenever the
 * writer is idle it commits everything pending in one transaction (group commit), so a
 * request is answered only after its rows are durable and a busy server writes large batches;
 * under load a second group may be in flight (EARLY_GROUP_ROWS). `onCommit` runs after every
 * commit that stored events, told whether its group went out early (requests were queueing
 * faster than the writer commits; with a busy main thread the segment engine then yields
 * more, see start.ts); it must not throw.
 * Failed rows and consent records do not call it: the segment engine reads events only
 * (consent included, from each event's context), never those tables.
 */
export function createWriter(
  commitRows: CommitRows,
  onCommit?: (backlogged: boolean) => void,
  observer?: WriterObserver,
  maxPendingRows = MAX_PENDING_ROWS,
) {
  let pending: Job[] = [];
  let pendingRows = 0;
  /** A group is due to go out on the next turn of the event loop. */
  let scheduled = false;
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let idle: (() => void) | undefined;
  const stats: WriterStats = { flushes: 0, rows: 0, lastFlushMs: 0, failing: false };

  async function commit(jobs: Job[]): Promise<void> {
    const events = jobs.length === 1 ? (jobs[0] as Job).events : jobs.flatMap((j) => j.events);
    const failed = jobs.length === 1 ? (jobs[0] as Job).failed : jobs.flatMap((j) => j.failed);
    const consent = jobs.length === 1 ? (jobs[0] as Job).consent : jobs.flatMap((j) => j.consent);
    if (events.length === 0 && failed.length === 0 && consent.length === 0) return;
    const started = performance.now();
    try {
      await commitRows(events, failed, consent);
    } catch (err) {
      stats.failing = true;
      throw err;
    }
    stats.failing = false;
    stats.flushes++;
    stats.rows += events.length;
    stats.lastFlushMs = performance.now() - started;
    observer?.flushed(events.length + failed.length + consent.length, stats.lastFlushMs / 1000);
  }

  function settle(jobs: Job[], backlogged: boolean) {
    for (const j of jobs) j.done();
    if (jobs.some((j) => j.events.length)) onCommit?.(backlogged);
  }

  /** Settles every job of the group, each with its own outcome; never rejects. */
  async function commitGroup(jobs: Job[], backlogged: boolean): Promise<void> {
    try {
      await commit(jobs);
    } catch (err) {
      if (jobs.length === 1) return (jobs[0] as Job).done(err);
      // One request's rows must not sink the others of its group: retry each alone.
      for (const job of jobs) {
        await commit([job]).then(
          () => settle([job], backlogged),
          (e: unknown) => job.done(e),
        );
      }
      return;
    }
    settle(jobs, backlogged);
  }

  /** A second group may go out beside the one committing (see EARLY_GROUP_ROWS). */
  const earlyGroupDue = () => inFlight.size < MAX_IN_FLIGHT && pendingRows >= EARLY_GROUP_ROWS;

  function send() {
    const jobs = pending;
    pending = [];
    pendingRows = 0;
    observer?.depth(0);
    const group = commitGroup(jobs, inFlight.size > 0).then(() => {
      inFlight.delete(group);
      if (pending.length && (inFlight.size === 0 || earlyGroupDue())) send();
      else if (inFlight.size === 0 && !scheduled) idle?.();
    });
    inFlight.add(group);
  }

  return {
    stats,
    get depth() {
      return pendingRows;
    },
    /** Resolves once the rows are committed. */
    write(events: EventRow[], failed: FailedRow[] = [], consent: ConsentRow[] = []): Promise<void> {
      if (closed) return Promise.reject(new WriterClosedError());
      const rows = events.length + failed.length + consent.length;
      if (rows === 0) return Promise.resolve();
      if (pendingRows + rows > maxPendingRows) return Promise.reject(new WriterOverloadedError());
      return new Promise((resolve, reject) => {
        pending.push({ events, failed, consent, done: (err) => (err ? reject(err) : resolve()) });
        pendingRows += rows;
        observer?.depth(pendingRows);
        if (inFlight.size === 0) {
          if (scheduled) return;
          // Writes of the same turn of the event loop join this group.
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            send();
          });
        } else if (earlyGroupDue()) send();
      });
    },
    /** Resolves once every row handed over so far is committed (or failed). */
    flush(): Promise<void> {
      const groups = [...inFlight];
      if (pending.length) {
        groups.push(
          new Promise((resolve) =>
            pending.push({ events: [], failed: [], consent: [], done: () => resolve() }),
          ),
        );
      }
      return Promise.all(groups).then(() => {});
    },
    /** Stops accepting rows and waits for everything pending to be committed. */
    async close(): Promise<void> {
      closed = true;
      if (scheduled || inFlight.size) await new Promise<void>((resolve) => (idle = resolve));
    },
  };
}

export class WriterClosedError extends Error {
  constructor() {
    super('writer closed');
  }
}

export class WriterOverloadedError extends Error {
  constructor() {
    super('writer overloaded');
  }
}

export type Writer = ReturnType<typeof createWriter>;
