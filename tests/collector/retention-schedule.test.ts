import type { Client } from '@libsql/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../collector/log.js';
import { scheduleRetention } from '../../collector/privacy/retention.js';

/** A database of one source with nothing to delete. */
const client = {
  execute: async () => ({ rows: [{ id: 's1', retention_days: 30 }], rowsAffected: 0 }),
} as unknown as Client;

afterEach(() => {
  vi.useRealTimers();
});

describe('scheduled retention', () => {
  it('stopping waits for the run in flight, which prunes through the engine', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
    let pruning = false;
    let finish: () => void = () => {};
    const pruned = new Promise<void>((r) => (finish = r));
    const stop = scheduleRetention(client, Date.now, 60_000, silentLogger, {
      profileFacts: async () => {
        pruning = true;
        await pruned;
        return 0;
      },
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pruning).toBe(true);

    let stopped = false;
    const stopping = Promise.resolve(stop()).then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
  });
});
