import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Client } from '@libsql/client';

/**
 * Moves WAL checkpoints of a local database file off the main thread: SQLite's automatic
 * checkpoint runs inside whichever commit crosses the threshold, stalling every request
 * waiting behind it. A worker checkpoints every `intervalMs`; the automatic checkpoint
 * stays as a safety net at a high threshold in case the worker falls behind.
 */
/** The safety net's threshold, for every connection that commits. */
export const LATE_AUTOCHECKPOINT = 'PRAGMA wal_autocheckpoint=20000';

export async function startCheckpointer(client: Client, url: string, intervalMs = 200) {
  await client.execute(LATE_AUTOCHECKPOINT);
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
    workerData: { url, intervalMs },
  });
  worker.unref();
  return {
    async stop() {
      const exited = once(worker, 'exit');
      worker.ref(); // or the process could end while waiting for it
      worker.postMessage('stop');
      await exited;
    },
  };
}
