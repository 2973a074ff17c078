import type { Database } from './db/client.js';
import type { DropCounter } from './drops/counter.js';
import type { Writer } from './ingest/writer.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics/registry.js';
import type { Suppressions } from './privacy/suppressions.js';
import type { SegmentEngine } from './segments/engine.js';
import type { SegmentStore } from './segments/segment-store.js';
import type { SourceStore } from './sources/store.js';

/** Everything the app needs from the outside, passed in so tests can use their own. */
export interface AppDeps {
  database: Database;
  sources: SourceStore;
  writer: Writer;
  segments: SegmentStore;
  segmentEngine: SegmentEngine;
  adminToken: string;
  /** METRICS_TOKEN: when set, `/metrics` wants it as a Bearer token; open otherwise. */
  metricsToken?: string;
  /** Folder holding the built SDK (segmently.js and its chunks). */
  sdkDir: string;
  log: Logger;
  /** Counters for /metrics; every component reports into this one registry. */
  metrics: Metrics;
  /** Persisted per-source counts of events dropped by ingest filters (consent, bots). */
  drops: DropCounter;
  /** The one clock (epoch ms); tests move time by passing their own. */
  now: () => number;
  ingest: IngestOptions;
  /** WEBHOOK_ALLOW_PRIVATE: webhook URLs may use http and target non-public addresses. */
  allowPrivateWebhooks: boolean;
  /** Ids erased on request, whose later events are dropped. */
  suppressions: Suppressions;
}

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export interface IngestOptions {
  /** Proxies in front whose X-Forwarded-For entries are trusted (TRUST_PROXY); 0 = none. */
  trustProxy: number;
  /** Requests per client IP. */
  ipRate: RateLimit;
  /** Events per source. */
  sourceRate: RateLimit;
}
