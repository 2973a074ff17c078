import { Worker } from 'node:worker_threads';
import {
  checkRequiredValues,
  EVENT_ROW_VALUES,
  INSERT_CONSENT_ROW,
  INSERT_EVENT_ROW,
  INSERT_FAILED_ROW,
  insertEventRows,
} from '../ingest/row-sql.js';
import type { CommitRows } from '../ingest/writer.js';
import { watchThread } from '../metrics/thread-cpu-metric.js';
import { workerCalls } from '../worker-calls.js';
import type { WriteLock } from './write-lock.js';

/** Events rows per multi-row INSERT (8 to 50 measured alike on 640-row groups; 16 leaves 1/req groups of ~17 rows few single-row inserts). */
const ROWS_PER_INSERT = 16;

/**
 * A connection of its own on a worker thread for the ingest writer of a local database
 * file, with its inserts prepared once: the main thread keeps parsing and validating
 * requests while a group commits, in its turn with the file's other writers (`lock`).
 * `commit` resolves once the rows are durable.
 */
export function startWriteThread(path: string, pragmas: string[], lock: WriteLock) {
  const worker = new Worker(new URL('./write-worker.js', import.meta.url), {
    workerData: {
      path,
      pragmas,
      insertEvent: INSERT_EVENT_ROW,
      insertEvents: insertEventRows(ROWS_PER_INSERT),
      rowsPerInsert: ROWS_PER_INSERT,
      rowValues: EVENT_ROW_VALUES,
      insertFailed: INSERT_FAILED_ROW,
      insertConsent: INSERT_CONSENT_ROW,
      lock,
    },
  });
  watchThread(worker, 'ingest_writer');
  const calls = workerCalls(worker, 'write thread stopped');
  const commit: CommitRows = async (events, failed, consent) => {
    checkRequiredValues(events);
    await calls.request({ events, failed, consent });
  };
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  return {
    commit,
    /** Ends the thread once the commits handed over so far are done. */
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
