import type { Worker } from 'node:worker_threads';

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/**
 * Requests to a worker thread that answers each with `{id, result?, error?}`: a request gets
 * an id and a promise of its result. Once the worker fails or exits, every pending request
 * and every later one is rejected (`onFail` hears about it once).
 */
export function workerCalls(worker: Worker, exitMessage: string, onFail?: (err: Error) => void) {
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failure: Error | undefined;
  const fail = (err: Error) => {
    if (!failure) onFail?.(err);
    failure ??= err;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  worker.on('message', (reply: Reply) => {
    if (typeof reply?.id !== 'number') return;
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.error === undefined) w?.resolve(reply.result);
    else w?.reject(new Error(reply.error));
  });
  worker.on('error', fail);
  worker.on('exit', () => fail(new Error(exitMessage)));

  return {
    /** Posts `message` with an id; resolves with the worker's result for it. */
    request<T>(message: object): Promise<T> {
      if (failure) return Promise.reject(failure);
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ ...message, id });
      });
    },
    get failed() {
      return failure !== undefined;
    },
  };
}
