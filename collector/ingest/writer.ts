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
}

/** Flush sizes and latencies reported to /metrics. */
export interface WriterObserver {
  flushed(rows: number, seconds: number): void;
  depth(rows: number): void;
}

/**
 * The single writer. Concurrent requests hand their rows over and wait; whenever the
 * writer is idle it commits everything pending in one transaction (group commit), so a
 * request is answered only after its rows are durable and a busy server writes large batches.
 * `onCommit` runs after every commit that stored events; it must not throw. Failed rows and
 * consent records do not call it: the segment engine reads events only (consent included,
 * from each event's context), never those tables.
 */
export function createWriter(
  commitRows: CommitRows,
  onCommit?: () => void,
  observer?: WriterObserver,
) {
  let pending: Job[] = [];
  let pendingRows = 0;
  let running = false;
  let closed = false;
  let idle: (() => void) | undefined;
  const stats: WriterStats = { flushes: 0, rows: 0, lastFlushMs: 0 };

  async function commit(jobs: Job[]): Promise<void> {
    const events = jobs.length === 1 ? (jobs[0] as Job).events : jobs.flatMap((j) => j.events);
    const failed = jobs.length === 1 ? (jobs[0] as Job).failed : jobs.flatMap((j) => j.failed);
    const consent = jobs.length === 1 ? (jobs[0] as Job).consent : jobs.flatMap((j) => j.consent);
    if (events.length === 0 && failed.length === 0 && consent.length === 0) return;
    const started = performance.now();
    await commitRows(events, failed, consent);
    stats.flushes++;
    stats.rows += events.length;
    stats.lastFlushMs = performance.now() - started;
    observer?.flushed(events.length + failed.length + consent.length, stats.lastFlushMs / 1000);
  }

  function settle(jobs: Job[]) {
    for (const j of jobs) j.done();
    if (jobs.some((j) => j.events.length)) onCommit?.();
  }

  // `running` is set when a drain is scheduled, so concurrent writes schedule only one.
  async function drain(): Promise<void> {
    while (pending.length > 0) {
      const jobs = pending;
      pending = [];
      pendingRows = 0;
      observer?.depth(0);
      let committed = false;
      try {
        await commit(jobs);
        committed = true;
      } catch (err) {
        if (jobs.length === 1) (jobs[0] as Job).done(err);
        else {
          // One request's rows must not sink the others of its group: retry each alone.
          for (const job of jobs) {
            await commit([job]).then(
              () => settle([job]),
              (e: unknown) => job.done(e),
            );
          }
        }
      }
      if (committed) settle(jobs);
    }
    running = false;
    idle?.();
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
      return new Promise((resolve, reject) => {
        pending.push({ events, failed, consent, done: (err) => (err ? reject(err) : resolve()) });
        pendingRows += rows;
        observer?.depth(pendingRows);
        if (!running) {
          running = true;
          setImmediate(drain);
        }
      });
    },
    /** Resolves once every row handed over so far is committed (or failed). */
    flush(): Promise<void> {
      if (!running) return Promise.resolve();
      return new Promise((resolve) =>
        pending.push({ events: [], failed: [], consent: [], done: () => resolve() }),
      );
    },
    /** Stops accepting rows and waits for everything pending to be committed. */
    async close(): Promise<void> {
      closed = true;
      if (running) await new Promise<void>((resolve) => (idle = resolve));
    },
  };
}

export class WriterClosedError extends Error {
  constructor() {
    super('writer closed');
  }
}

export type Writer = ReturnType<typeof createWriter>;
