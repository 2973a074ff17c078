import { Worker } from 'node:worker_threads';
import type { WriteLock } from '../db/write-lock.js';
import { stackOf } from '../errors.js';
import type { Logger } from '../log.js';
import { watchThread } from '../metrics/thread-cpu-metric.js';
import { workerCalls } from '../worker-calls.js';
import type { SegmentEngine } from './engine.js';

export interface EngineThreadOptions {
  /** A local database file (`file:…`): the thread opens its own connection to it. */
  url: string;
  /** Extra settings of that connection (e.g. the late autocheckpoint). */
  pragmas: string[];
  sweepEveryMs: number;
  allowPrivateWebhooks: boolean;
  /** Shared with the ingest write thread when it runs: write transactions take turns. */
  writeLock?: WriteLock;
}

type Method = keyof SegmentEngine | 'resume';
/** A message to the engine thread; without an id nobody waits for the answer. */
export interface EngineCall {
  id?: number;
  method: Method;
  args: unknown[];
}

/** Besides answers (worker-calls.ts), the thread sends its log lines. */
type LogReply = { log: string; fields?: object } | { id: number };

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
  watchThread(worker, 'segment_engine');
  let closing = false;
  const calls = workerCalls(worker, 'segment engine thread exited', (err) => {
    if (!closing) log('segment engine thread stopped', { error: stackOf(err) });
  });
  worker.on('message', (reply: LogReply) => {
    if ('log' in reply) log(reply.log, reply.fields);
  });
  const send = (method: Method, ...args: unknown[]) => {
    if (!calls.failed) worker.postMessage({ method, args } satisfies EngineCall);
  };
  const call = <T>(method: Method, ...args: unknown[]) =>
    calls.request<T>({ method, args } satisfies EngineCall);
  let slots = 0;
  const forward = <K extends keyof SegmentEngine>(method: K) =>
    ((...args: unknown[]) => call(method, ...args)) as SegmentEngine[K];

  return {
    get failed() {
      return calls.failed && !closing;
    },
    onCommit: (backlogged?: boolean) => send('onCommit', backlogged),
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
      const slot = slots++;
      await call('exclusive', slot);
      try {
        return await task();
      } finally {
        send('resume', slot);
      }
    },
    async close() {
      if (!calls.failed) await call('close');
      closing = true;
      await worker.terminate();
    },
  };
}
