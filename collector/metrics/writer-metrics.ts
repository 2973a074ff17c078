import type { WriterObserver } from '../ingest/writer.js';
import type { Metrics } from './registry.js';

/** The writer's flush sizes, latencies and queue depth, as /metrics shows them. */
export function writerMetrics(metrics: Metrics): WriterObserver {
  const rows = metrics.histogram(
    'segmently_writer_flush_rows',
    'Rows committed per group commit',
    [1, 10, 50, 100, 500, 1000, 5000, 20000],
  );
  const seconds = metrics.histogram(
    'segmently_writer_flush_seconds',
    'Time to commit one group',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  const depth = metrics.gauge('segmently_writer_queue_rows', 'Rows waiting for the next commit');
  return {
    flushed(n, s) {
      rows.observe(n);
      seconds.observe(s);
    },
    depth: (n) => depth.set({}, n),
  };
}
