import type { Client } from '@libsql/client';

const UPSERT = `INSERT INTO event_drops (source_id, day, reason, count) VALUES (?, ?, ?, ?)
  ON CONFLICT (source_id, day, reason) DO UPDATE SET count = count + excluded.count`;

/**
 * Persisted drop counts per source, day and reason. Counts add up in memory and are written
 * in one batch when the event loop is next idle, so ingest never waits for them.
 */
export function createDropCounter(client: Client, now: () => number) {
  const pending = new Map<string, number>();
  let writing: Promise<void> | undefined;

  async function write(): Promise<void> {
    const rows = [...pending];
    pending.clear();
    if (!rows.length) return;
    await client.batch(
      rows.map(([key, n]) => ({ sql: UPSERT, args: [...JSON.parse(key), n] })),
      'write',
    );
  }

  /** One write at a time; counts added while it runs get the next one. */
  function schedule(): Promise<void> {
    writing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(write).finally(() => {
      writing = undefined;
      if (pending.size) schedule().catch(() => {});
    });
    return writing;
  }

  return {
    add(sourceId: string, reason: string): void {
      const day = new Date(now()).toISOString().slice(0, 10);
      const key = JSON.stringify([sourceId, day, reason]);
      pending.set(key, (pending.get(key) ?? 0) + 1);
      schedule().catch(() => {});
    },
    /** Resolves once every count added so far is written. */
    async flush(): Promise<void> {
      while (writing || pending.size) await (writing ?? schedule());
    },
  };
}

export type DropCounter = ReturnType<typeof createDropCounter>;
