import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

let t: TestCollector;
afterEach(() => t.close());

const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('what each commit tells the segment engine', () => {
  it('to yield (engine on its own thread) once the main thread was busy two windows in a row', async () => {
    t = await testCollector({ engineThread: true });
    const told: boolean[] = [];
    t.deps.segmentEngine.onCommit = (busy?: boolean) => {
      told.push(busy === true);
    };
    const send = async () => {
      expect((await t.post('/v1/batch', { batch: [trackEvent()] }, t.basic())).status).toBe(200);
    };
    // Idle windows first: the collector's start kept the thread busy.
    for (const _ of [1, 2]) {
      await sleep(300);
      await send();
    }
    spin(150);
    await send();
    spin(150);
    await send();
    await sleep(300);
    await send();
    expect(told).toEqual([false, false, false, true, false]);
  });

  it('nothing of the main thread when the engine runs on it (its own work would count as load)', async () => {
    t = await testCollector();
    const told: boolean[] = [];
    t.deps.segmentEngine.onCommit = (busy?: boolean) => {
      told.push(busy === true);
    };
    for (const _ of [1, 2, 3]) {
      spin(150);
      await t.post('/v1/batch', { batch: [trackEvent()] }, t.basic());
    }
    expect(told).toEqual([false, false, false]);
  });
});
