import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/client.js';
import { inTurnAsync } from '../db/write-lock.js';
import type { Logger } from '../log.js';
import { announceThreadId } from '../metrics/thread-cpu.js';
import { createSegmentEngine } from './engine.js';
import type { EngineCall, EngineThreadOptions } from './engine-thread.js';
import { createSegmentStore } from './segment-store.js';
import { createWebhookSender } from './webhooks.js';

// The segment engine on a thread and connection of its own (see engine-thread.ts).
const port = parentPort as NonNullable<typeof parentPort>;
announceThreadId(port);
const { url, pragmas, sweepEveryMs, allowPrivateWebhooks, writeLock } =
  workerData as EngineThreadOptions;
const database = await openDatabase(url);
for (const pragma of pragmas) await database.client.execute(pragma);
let lockWaitMs = 0;
if (writeLock) {
  // The engine writes in batches: each takes its turn with the ingest write thread's commits.
  const batch = database.client.batch.bind(database.client);
  database.client.batch = (stmts, mode) => {
    if (mode !== 'write') return batch(stmts, mode);
    const asked = performance.now();
    return inTurnAsync(writeLock, () => {
      lockWaitMs += performance.now() - asked;
      return batch(stmts, mode);
    });
  };
}
const log: Logger = (msg, fields) => port.postMessage({ log: msg, fields });
const now = Date.now;
const engine = createSegmentEngine({
  client: database.client,
  store: createSegmentStore(database.db, now),
  now,
  log,
  sweepEveryMs,
  // On its own thread the engine no longer takes time from requests, only CPU from the other
  // threads: up to half of its thread for catch-ups kept membership p95 ≈ 0.3 s at 5,000
  // events/s in the segments bench (the in-process ⅓ fell seconds behind) while the ingest
  // bench stayed within its noise.
  catchUpPauseRatio: 1,
  lockWaitMs: () => lockWaitMs,
  webhooks: createWebhookSender({
    client: database.client,
    now,
    log,
    allowPrivate: allowPrivateWebhooks,
  }),
});
/** Exclusive slots held for the main thread, released by its `resume`. */
const held = new Map<number, () => void>();

async function answer({ method, args }: EngineCall): Promise<unknown> {
  switch (method) {
    case 'exclusive':
      // Paused once the engine runs this slot: the main thread then runs its task.
      return new Promise((paused) => {
        void engine.exclusive(
          () =>
            new Promise<void>((release) => {
              held.set(args[0] as number, release);
              paused(undefined);
            }),
        );
      });
    case 'resume':
      held.get(args[0] as number)?.();
      held.delete(args[0] as number);
      return undefined;
    case 'close':
      await engine.close();
      database.close();
      return undefined;
    default: {
      const fn = engine[method] as (...a: unknown[]) => unknown;
      return fn(...args);
    }
  }
}

port.on('message', (call: EngineCall) => {
  answer(call).then(
    (result) => call.id !== undefined && port.postMessage({ id: call.id, result }),
    (err: unknown) =>
      call.id !== undefined &&
      port.postMessage({ id: call.id, error: String((err as Error)?.stack ?? err) }),
  );
});
