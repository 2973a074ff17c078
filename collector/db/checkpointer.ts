import { Worker } from 'node:worker_threads';
import type { Client } from '@libsql/client';
import { watchThread } from '../metrics/thread-cpu-metric.js';
import type { WriteLock } from './write-lock.js';

/** The safety net's threshold (400 MB), for every connection that commits. */
export const LATE_AUTOCHECKPOINT = 'PRAGMA wal_autocheckpoint=100000';

/**
 * Frames (4 KB pages) in the WAL from which the checkpointer has it start over (256 MB).
 * Each time costs the writers a pause (mostly under 5 ms, at most ~11 ms since the worker
 * settles the WAL first), so rarely is better: half-load p99 of the ingest bench at 20
 * events/request was 19.7–19.9 ms at 64 MB, 15.1–24.7 ms here (42 ms at 16 MB before settling).
 */
const RESTART_FRAMES = 65_536;

/**
 * Moves WAL checkpoints of a local database file off the committing threads: SQLite's
 * automatic checkpoint runs inside whichever commit crosses the threshold, stalling every
 * request waiting behind it. A worker copies the WAL into the database file every
 * `intervalMs` and has it started over once it grew (checkpoint-worker.js), taking its turn
 * with the other writers through `lock`; the automatic checkpoint stays as a safety net at a
 * high threshold in case the worker falls behind.
 */
export async function startCheckpointer(
  client: Client,
  path: string,
  lock: WriteLock,
  {
    intervalMs = 20,
    restartFrames = RESTART_FRAMES,
    onError = (_err: Error) => {},
  }: { intervalMs?: number; restartFrames?: number; onError?: (err: Error) => void } = {},
) {
  await client.execute(LATE_AUTOCHECKPOINT);
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
    workerData: { path, intervalMs, restartFrames, lock },
  });
  watchThread(worker, 'checkpointer');
  // Should the worker fail, the automatic checkpoint still keeps the WAL bounded.
  worker.on('error', onError);
  // Listened for from the start: a worker that failed has exited before stop() is called.
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.unref();
  return {
    async stop() {
      worker.ref(); // or the process could end while waiting for it
      worker.postMessage('stop');
      await exited;
    },
  };
}
