import type { Worker } from 'node:worker_threads';
import type { Metrics } from './registry.js';
import { ownThreadId, threadCpuSeconds } from './thread-cpu.js';

/** The process's worker threads by kernel id, named as /metrics labels them. */
const threads = new Map<number, string>();

/** Labels a worker's thread in /metrics once it announces its id (announceThreadId). */
export function watchThread(worker: Worker, name: string) {
  const onMessage = (message: { threadId?: unknown }) => {
    if (typeof message?.threadId !== 'number') return;
    const threadId = message.threadId;
    worker.off('message', onMessage);
    threads.set(threadId, name);
    worker.once('exit', () => threads.delete(threadId));
  };
  worker.on('message', onMessage);
}

/**
 * `segmently_thread_cpu_seconds_total{thread}`: CPU time of the main thread and each worker
 * (ingest writer, segment engine, checkpointer), read when /metrics is scraped (Linux only).
 * Under load it says which thread limits throughput: the one near a whole core.
 */
export function threadCpuMetric(metrics: Metrics) {
  const cpu = metrics.counter(
    'segmently_thread_cpu_seconds_total',
    "CPU time used by each of the collector's threads (user + system)",
  );
  const main = ownThreadId();
  return () => {
    const seconds = new Map<string, number>();
    const all: [number, string][] = main === undefined ? [] : [[main, 'main']];
    for (const [threadId, name] of [...all, ...threads]) {
      const used = threadCpuSeconds(threadId);
      if (used !== undefined) seconds.set(name, (seconds.get(name) ?? 0) + used);
    }
    for (const [name, used] of seconds) cpu.set({ thread: name }, used);
  };
}
