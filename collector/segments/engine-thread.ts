import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import type { SegmentEngine } from './engine.js';

export interface EngineThreadOptions {
  /** A local database file (`file:…`): the thread opens its own connection to it. */
  url: string;
  /** Extra settings of that connection (e.g. the late autocheckpoint). */
  pragmas: string[];
  sweepEveryMs: number;
  allowPrivateWebhooks: boolean;
}

type Method = keyof SegmentEngine | 'resume';
/** A message to the engine thread; without an id nobody waits for the answer. */
export interface EngineCall {
  id?: number;
  method: Method;
  args: unknown[];
}

type Reply = { id: number; result?: unknown; error?: string } | { log: string; fields?: object };

/**
 * The segment engine on a worker thread with its own connection, behind the same interface
 * as the in-process engine. Local SQLite calls block the thread that makes them: on the main
 * thread, catch-ups after commits stalled request handling for milliseconds at a time and
 * took a fifth of its time under load. Here they use the second core and the main thread
 * only parses, validates and answers.
 */
export function startEngineThread(options: EngineThreadOptions, log: Logger): SegmentEngine {
  const worker = new Worker(new URL('./engine-boot.js', import.meta.url), {
    workerData: { ...options, entry: new URL('./engine-worker.ts', import.meta.url).href },
  });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failure: Error | undefined;
  let closing = false;
  const fail = (err: Error) => {
    failure ??= err;
    if (!closing) log('segment engine thread stopped', { error: String(err.stack ?? err) });
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (reply: Reply) => {
    if ('log' in reply) return log(reply.log, reply.fields);
    if (!('id' in reply)) return;
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.error === undefined) w?.resolve(reply.result);
    else w?.reject(new Error(reply.error));
  });
  worker.on('error', fail);
  worker.on('exit', () => fail(new Error('segment engine thread exited')));

  const send = (method: Method, ...args: unknown[]) => {
    if (!failure) worker.postMessage({ method, args } satisfies EngineCall);
  };
  function call<T>(method: Method, ...args: unknown[]): Promise<T> {
    if (failure) return Promise.reject(failure);
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, method, args } satisfies EngineCall);
    });
  }
  const forward = <K extends keyof SegmentEngine>(method: K) =>
    ((...args: unknown[]) => call(method, ...args)) as SegmentEngine[K];

  return {
    onCommit: () => send('onCommit'),
    rulesChanged: (sourceId: string) => send('rulesChanged', sourceId),
    start: () => send('start'),
    catchUp: forward('catchUp'),
    sweep: forward('sweep'),
    idle: forward('idle'),
    deliverWebhooks: forward('deliverWebhooks'),
    recompute: forward('recompute'),
    preview: forward('preview'),
    rebuildFacts: forward('rebuildFacts'),
    pruneFacts: forward('pruneFacts'),
    segmentDeleted: forward('segmentDeleted'),
    factsOf: forward('factsOf'),
    userOf: forward('userOf'),
    anonymousIdsOf: forward('anonymousIdsOf'),
    /** The engine pauses (its queue waits) while `task` runs here, then resumes. */
    async exclusive<T>(task: () => Promise<T>): Promise<T> {
      const id = next; // the id call() is about to take: the slot is released by it
      await call('exclusive');
      try {
        return await task();
      } finally {
        send('resume', id);
      }
    },
    async close() {
      if (!failure) await call('close');
      closing = true;
      await worker.terminate();
    },
  };
}
