import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createWriteLock, inTurn, inTurnAsync } from '../../collector/db/write-lock.js';

describe('write lock', () => {
  it('runs an async task only once the holder released the lock', async () => {
    const lock = createWriteLock();
    const order: string[] = [];
    let waiting: Promise<void> | undefined;
    inTurn(lock, () => {
      waiting = inTurnAsync(lock, async () => {
        order.push('waiter');
      });
      order.push('holder');
    });
    await waiting;
    expect(order).toEqual(['holder', 'waiter']);
    // Released again: the next turn is taken at once.
    expect(inTurn(lock, () => 'free')).toBe('free');
  });

  it('keeps another thread waiting while this one holds the lock', async () => {
    const lock = createWriteLock();
    const log = new Int32Array(new SharedArrayBuffer(8));
    // The worker asks for its turn, then records the step the holder had reached.
    const url = new URL('../../collector/db/write-lock.js', import.meta.url).href;
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const { lock, log, url } = workerData;
       import(url).then(({ inTurn }) => {
         Atomics.store(log, 1, 1);
         inTurn(lock, () => Atomics.store(log, 0, Atomics.load(log, 1)));
       });`,
      { eval: true, workerData: { lock, log, url } },
    );
    await inTurnAsync(lock, async () => {
      while (Atomics.load(log, 1) !== 1) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 50));
      Atomics.store(log, 1, 2); // released after this
    });
    await new Promise((r) => worker.once('exit', r));
    expect(Atomics.load(log, 0)).toBe(2);
  });
});
