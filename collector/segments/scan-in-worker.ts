import { Worker } from 'node:worker_threads';

/** Chunks the worker may read ahead of the parser: bounds memory, keeps both threads busy. */
const AHEAD = 4;

/**
 * The packed chunks of `sql` over seq ranges (0, maxSeq], read by a worker thread with its
 * own connection to the local database file at `url`, in order.
 */
export async function* scanInWorker(
  url: string,
  sql: string,
  sourceId: string,
  maxSeq: number,
  chunk: number,
): AsyncGenerator<string | null> {
  const pending = new SharedArrayBuffer(4);
  const inFlight = new Int32Array(pending);
  const worker = new Worker(new URL('./scan-worker.js', import.meta.url), {
    workerData: { url, sql, sourceId, maxSeq, chunk, ahead: AHEAD, pending },
  });
  const queue: (string | null)[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  worker.on('message', (m: string | null | { done: true }) => {
    if (m !== null && typeof m === 'object') done = true;
    else queue.push(m);
    wake?.();
  });
  worker.on('error', (err) => {
    failure = err;
    wake?.();
  });
  worker.on('exit', () => {
    failure ??= done ? undefined : new Error('event scan worker exited early');
    wake?.();
  });
  try {
    for (;;) {
      if (queue.length > 0) {
        const next = queue.shift() as string | null;
        Atomics.sub(inFlight, 0, 1);
        Atomics.notify(inFlight, 0);
        yield next;
      } else if (done) return;
      else if (failure) throw failure;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    await worker.terminate();
  }
}
