import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';
import { LATE_AUTOCHECKPOINT, startCheckpointer } from './db/checkpointer.js';
import { CONNECTION_PRAGMAS, openDatabase } from './db/client.js';
import { createWriteLock } from './db/write-lock.js';
import { startWriteThread } from './db/write-thread.js';
import type { AppDeps } from './deps.js';
import { createDropCounter } from './drops/counter.js';
import type { Env } from './env.js';
import { stackOf } from './errors.js';
import { mainThreadBusy } from './ingest/main-thread-busy.js';
import { commitOnClient } from './ingest/row-sql.js';
import { createWriter } from './ingest/writer.js';
import type { Logger } from './log.js';
import { createMetrics } from './metrics/registry.js';
import { writerMetrics } from './metrics/writer-metrics.js';
import { runRetention, scheduleRetention } from './privacy/retention.js';
import { loadSuppressions } from './privacy/suppressions.js';
import { createSegmentEngine } from './segments/engine.js';
import { startEngineThread } from './segments/engine-thread.js';
import { segmentHistoryPruners } from './segments/history-retention.js';
import { registerSegmentProfileTables } from './segments/profile-tables.js';
import { createSegmentStore } from './segments/segment-store.js';
import { createWebhookSender } from './segments/webhooks.js';
import { createSourceStore, type NewSource } from './sources/store.js';

export const DEFAULT_SDK_DIR = fileURLToPath(new URL('../dist', import.meta.url));

export interface StartOptions {
  env: Env;
  log: Logger;
  sdkDir?: string;
  now?: () => number;
  /** How often the segment engine looks for time-based flips (0: only when asked). */
  segmentSweepMs?: number;
  /**
   * Commit ingested events of a local file on a worker thread, and checkpoint its WAL on
   * another (the server does; tests need not).
   */
  writeThread?: boolean;
  /**
   * Run the segment engine of a local file on a worker thread (the server does). Its clock
   * is then the real one: tests that move `now` keep the engine in process.
   */
  engineThread?: boolean;
}

/** Opens (and migrates) the database and wires the app's dependencies; used by main and tests. */
export async function buildCollector({
  env,
  log,
  sdkDir = DEFAULT_SDK_DIR,
  now = Date.now,
  segmentSweepMs = 1000,
  writeThread = false,
  engineThread = false,
}: StartOptions) {
  const database = await openDatabase(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
  const localFile = env.DATABASE_URL.startsWith('file:') && !env.DATABASE_URL.includes(':memory:');
  const path = env.DATABASE_URL.slice('file:'.length);
  // Erasure and retention delete on this connection: overwritten with zeros, what they delete
  // is gone from the file, not left in its free space for anyone with a copy of it to read.
  if (localFile) await database.client.execute('PRAGMA secure_delete=ON');
  /** The file's writers on threads of their own take turns through it (write-lock.js). */
  const writeLock = writeThread && localFile ? createWriteLock() : undefined;
  const checkpointer = writeLock
    ? await startCheckpointer(database.client, path, writeLock, {
        onError: (err) => log('checkpointer stopped', { error: stackOf(err) }),
      })
    : undefined;
  const thread = writeLock
    ? startWriteThread(path, [...CONNECTION_PRAGMAS, LATE_AUTOCHECKPOINT], writeLock)
    : undefined;
  const metrics = createMetrics();
  registerSegmentProfileTables();
  const segments = createSegmentStore(database.db, now);
  /** The segment engine on a thread and connection of its own (a local file only). */
  const engineOnThread = engineThread && localFile;
  const segmentEngine = engineOnThread
    ? startEngineThread(
        {
          url: env.DATABASE_URL,
          pragmas: thread ? [LATE_AUTOCHECKPOINT] : [],
          writeLock,
          sweepEveryMs: segmentSweepMs,
          allowPrivateWebhooks: env.WEBHOOK_ALLOW_PRIVATE,
        },
        log,
      )
    : createSegmentEngine({
        client: database.client,
        store: segments,
        now,
        log,
        sweepEveryMs: segmentSweepMs,
        webhooks: createWebhookSender({
          client: database.client,
          now,
          log,
          allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
        }),
      });
  // The segment engine on its own thread yields more while ingest runs near capacity: the
  // main thread busy for two windows in a row, or busy while groups go out early (see
  // createWriter). Early groups alone also come at moderate load in large batches (the segments
  // bench's 50-event batches at 5,000 events/s), where yielding left memberships seconds behind
  // (p95 6.6 s, 0.27 s now). An engine on the main thread would count its own work as load.
  const busyWindows = engineOnThread ? mainThreadBusy() : () => 0;
  const writer = createWriter(
    thread?.commit ?? commitOnClient(database.client),
    (early) => {
      const busy = busyWindows();
      segmentEngine.onCommit(busy >= 2 || (early && busy >= 1));
    },
    writerMetrics(metrics),
  );
  const sources = createSourceStore(database.db);
  // Every source gets the built-in segments, existing ones at start, new ones on creation.
  const createSource = sources.create;
  sources.create = async (input: NewSource) => {
    const source = await createSource(input);
    await segments.ensureBuiltIns(source.id);
    return source;
  };
  for (const source of await sources.list()) {
    if (await segments.ensureBuiltIns(source.id)) {
      segmentEngine.recompute(source.id).catch((err: unknown) => {
        log('segment recompute failed', { sourceId: source.id, error: stackOf(err) });
      });
    }
  }
  segmentEngine.start();
  // Events stored before a restart are caught up in paced runs, like those of new commits: an
  // unpaced catch-up ran flat out for as long as ingest kept adding events.
  segmentEngine.onCommit();
  const generatedToken = env.SEGMENTLY_ADMIN_TOKEN
    ? undefined
    : `sgm_admin_${randomBytes(24).toString('base64url')}`;
  const deps: AppDeps = {
    database,
    sources,
    writer,
    segments,
    segmentEngine,
    adminToken: env.SEGMENTLY_ADMIN_TOKEN ?? (generatedToken as string),
    metricsToken: env.METRICS_TOKEN,
    sdkDir,
    log,
    metrics,
    drops: createDropCounter(database.client, now),
    now,
    ingest: {
      trustProxy: env.TRUST_PROXY,
      ipRate: { perSecond: env.RATE_LIMIT_IP_REQUESTS_PER_SEC, burst: env.RATE_LIMIT_IP_BURST },
      sourceRate: {
        perSecond: env.RATE_LIMIT_SOURCE_EVENTS_PER_SEC,
        burst: env.RATE_LIMIT_SOURCE_BURST,
      },
    },
    allowPrivateWebhooks: env.WEBHOOK_ALLOW_PRIVATE,
    suppressions: await loadSuppressions(database.db),
  };
  const app = createApp(deps);
  const derived = {
    profileFacts: segmentEngine.pruneFacts,
    ...segmentHistoryPruners(database.client),
  };
  const stopRetention = scheduleRetention(
    database.client,
    now,
    env.RETENTION_INTERVAL_MINUTES * 60_000,
    log,
    derived,
  );
  return {
    app,
    deps,
    generatedToken,
    /** One run of the scheduled retention job, now. */
    runRetention: () => runRetention(database.client, now(), derived),
    async close() {
      await stopRetention();
      await writer.close();
      await thread?.stop();
      await segmentEngine.close();
      await deps.drops.flush();
      await checkpointer?.stop();
      // The file alone then holds everything (a backup of the stopped collector's file):
      // libsql keeps a connection with prepared statements open past close(), so SQLite's own
      // checkpoint on the last close did not run and the last writes stayed in the WAL.
      if (localFile) await database.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
      database.close();
    },
  };
}
