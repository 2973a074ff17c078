import type { Client } from '@libsql/client';
import { WATERMARK } from '../segments/engine.js';
import type { Metrics } from './registry.js';

/**
 * `segmently_segment_engine_lag_events`: events committed that the segment engine has not
 * evaluated yet, read when /metrics is scraped. It grows while ingest outpaces the engine
 * (memberships then trail the events) and falls back to 0 once the engine caught up.
 */
export function engineLagMetric(metrics: Metrics, client: Client) {
  const lag = metrics.gauge(
    'segmently_segment_engine_lag_events',
    'Events committed but not yet evaluated by the segment engine',
  );
  return async () => {
    const r = await client.execute({
      sql: `SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)
          - COALESCE((SELECT value FROM engine_state WHERE name = ?), 0)`,
      args: [WATERMARK],
    });
    lag.set({}, Math.max(0, Number(r.rows[0]?.[0] ?? 0)));
  };
}
