import type { Client } from '@libsql/client';

const UPSERT = `INSERT INTO event_drops (source_id, day, reason, count) VALUES (?, ?, ?, ?)
  ON CONFLICT (source_id, day, reason) DO UPDATE SET count = count + excluded.count`;

/**
 * Persisted drop counts per source, day and reason. Counts add up in memory and are written
 * in one batch at most every `everyMs`, so ingest never waits for them: the write runs on
 * the main thread's connection and waits there while the write thread holds the lock.
 * `flush()` (readers of the counts, shutdown) writes at once.
 */
export function createDropCounter(client: Client, now: () => number, everyMs = 1000) {
  const pending = new Map<string, number>();
  let writing: Promise<void> | undefined;

  async function write(): Promise<void> {
    const rows = [...pending];
    pending.clear();
    if (!rows.length) return;
    try {
      await client.batch(
        rows.map(([key, n]) => ({ sql: UPSERT, args: [...JSON.parse(key), n] })),
        'write',
      );
    } catch (err) {
      // Written with the next ones instead of lost (a timed write's failure is not reported).
      for (const [key, n] of rows) pending.set(key, (pending.get(key) ?? 0) + n);
      throw err;
    }
  }

  let timer: NodeJS.Timeout | undefined;

  /** One write at a time; counts added while it runs get the next one. */
  function writeNow(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    writing ??= write().finally(() => {
      writing = undefined;
      if (pending.size) writeLater();
    });
    return writing;
  }

  function writeLater(): void {
    timer ??= setTimeout(() => writeNow().catch(() => {}), everyMs).unref();
  }

  return {
    add(sourceId: string, reason: string): void {
      const day = new Date(now()).toISOString().slice(0, 10);
      const key = JSON.stringify([sourceId, day, reason]);
      pending.set(key, (pending.get(key) ?? 0) + 1);
      writeLater();
    },
    /** Resolves once every count added so far is written. */
    async flush(): Promise<void> {
      while (writing || pending.size) await (writing ?? writeNow());
    },
  };
}

export type DropCounter = ReturnType<typeof createDropCounter>;
