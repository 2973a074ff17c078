import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commitOnClient, INSERT_EVENT_ROW } from '../../collector/ingest/row-sql.js';
import {
  createSegmentEngine,
  type EngineOptions,
  type SegmentEngine,
} from '../../collector/segments/engine.js';
import { createSegmentStore } from '../../collector/segments/segment-store.js';
import { eventRow, type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
let dir: string | undefined;
/** Engines a test started beside its collector's, closed after it. */
let engines: SegmentEngine[] = [];
afterEach(async () => {
  for (const engine of engines) await engine.close();
  engines = [];
  await t.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Stored straight into the table: no commit announces them to the engine. */
const insertEvents = async (ids: string[]) => {
  for (const id of ids) {
    await t.deps.database.client.execute({
      sql: INSERT_EVENT_ROW,
      args: eventRow(t.source.id, id),
    });
  }
};

const lag = async () => {
  const text = await (await t.app.request('/metrics')).text();
  return Number(text.match(/^segmently_segment_engine_lag_events (\d+)$/m)?.[1]);
};

/**
 * An engine of its own on the test collector's database, catching up only when told: the
 * collector's engine is closed (its own pauses would end and catch up too).
 */
async function standaloneEngine(pacing: Partial<EngineOptions>) {
  await t.deps.segmentEngine.close();
  const { client, db } = t.deps.database;
  const engine = createSegmentEngine({
    client,
    store: createSegmentStore(db, Date.now),
    now: Date.now,
    log: () => {},
    sweepEveryMs: 0,
    catchUpEveryMs: 0,
    ...pacing,
  });
  engines.push(engine);
  return engine;
}

/** Commits `count` events (ids `<prefix><n>`) as the ingest writer would, announcing nothing. */
const storeEvents = (prefix: string, count: number) =>
  commitOnClient(t.deps.database.client)(
    Array.from({ length: count }, (_, i) => eventRow(t.source.id, `${prefix}${i}`)),
    [],
    [],
  );

/**
 * A first catch-up of `count` events, announced as `backlogged` or not and waited out (its
 * duration sets the next pause), then `count` more events stored for the next one.
 */
async function afterFirstRun(engine: SegmentEngine, count: number, backlogged = false) {
  await storeEvents('first', count);
  engine.onCommit(backlogged);
  await vi.waitFor(async () => expect(await lag()).toBe(0), { timeout: 5000 });
  await engine.idle();
  await storeEvents('second', count);
}

describe('segmently_segment_engine_lag_events', () => {
  it('counts committed events the segment engine has not evaluated, down to 0 once it caught up', async () => {
    t = await testCollector();
    expect(await lag()).toBe(0);
    await insertEvents(['m1', 'm2', 'm3']);
    expect(await lag()).toBe(3);
    await t.deps.segmentEngine.catchUp();
    expect(await lag()).toBe(0);
  });

  it('falls to 0 after a restart: events stored before it are caught up on start', async () => {
    dir = mkdtempSync(join(tmpdir(), 'segmently-lag-'));
    t = await testCollector({ dir });
    await insertEvents(['m1', 'm2']);
    expect(await lag()).toBe(2);
    await t.close();
    t = await testCollector({ dir });
    await vi.waitFor(async () => expect(await lag()).toBe(0), { timeout: 5000 });
  });

  it('falls to 0 without pauses between catch-up runs while no commit comes', async () => {
    t = await testCollector();
    // A pause 1,000 times a run's duration: under ingest, the second run would wait minutes.
    const engine = await standaloneEngine({ catchUpPauseRatio: 1_000 });
    // More than one run's 5,000 events; only the first run is announced by a commit.
    await storeEvents('b', 5_100);
    engine.onCommit();
    await vi.waitFor(async () => expect(await lag()).toBe(0), { timeout: 10_000 });
  }, 15_000);

  it.each([
    ['after commits of an ingest keeping up', 'follows at once', false],
    ['after backlogged commits (groups sent early)', 'waits out its longer pause', true],
  ])('%s, the next catch-up %s', async (_, __, backlogged) => {
    t = await testCollector();
    const engine = await standaloneEngine({
      catchUpPauseRatio: 0,
      // A pause a million times a run's duration: minutes at least.
      backloggedPauseRatio: 1_000_000,
    });
    await afterFirstRun(engine, 50, backlogged);
    engine.onCommit(backlogged);
    if (backlogged) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await lag()).toBe(50);
    } else {
      await vi.waitFor(async () => expect(await lag()).toBe(0), { timeout: 5000 });
    }
  });

  it('a backlogged commit during a pause lengthens it', async () => {
    t = await testCollector();
    const engine = await standaloneEngine({
      catchUpPauseRatio: 0,
      backloggedPauseRatio: 1_000_000,
    });
    await afterFirstRun(engine, 50);
    // The pause set by this commit would be over at once; the next one is backlogged.
    engine.onCommit(false);
    engine.onCommit(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await lag()).toBe(50);
  });

  it('does not count its waits for the write lock as work that lengthens its pauses', async () => {
    t = await testCollector();
    const { client } = t.deps.database;
    // Every write waits 500 ms "for the lock", as the engine thread's batches may.
    let waited = 0;
    const slowLock = new Proxy(client, {
      get(target, prop) {
        if (prop !== 'batch') {
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (...args: Parameters<typeof client.batch>) => {
          if (args[1] === 'write') {
            await new Promise((resolve) => setTimeout(resolve, 500));
            waited += 500;
          }
          return target.batch(...args);
        };
      },
    });
    // Counted as work, one wait would pause the next catch-up for 5 s and more.
    const engine = await standaloneEngine({
      client: slowLock,
      catchUpPauseRatio: 10,
      lockWaitMs: () => waited,
    });
    await afterFirstRun(engine, 20);
    engine.onCommit(false);
    await vi.waitFor(async () => expect(await lag()).toBe(0), { timeout: 3000 });
  });
});
