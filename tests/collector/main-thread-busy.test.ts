import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mainThreadBusy } from '../../collector/ingest/main-thread-busy.js';

const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('mainThreadBusy', () => {
  it('counts the windows in a row the thread spent working, and starts over after one it waited', async () => {
    const busyWindows = mainThreadBusy();
    spin(150);
    expect(busyWindows()).toBe(1);
    spin(150);
    expect(busyWindows()).toBe(2);
    await sleep(300);
    expect(busyWindows()).toBe(0);
  });
});
