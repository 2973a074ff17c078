import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlushLock } from '../../sdk/flush-lock.js';
import { backoffDelay, createQueue } from '../../sdk/queue.js';
import { memoryStorage } from '../../sdk/storage.js';
import type { SendResult } from '../../sdk/transport.js';
import { uuidv7 } from '../../sdk/uuid.js';
import type { WireEvent } from '../../shared/wire.js';

const event = (n: number, timestamp?: string): WireEvent => ({
  type: 'track',
  event: `E${n}`,
  messageId: uuidv7(),
  anonymousId: 'a',
  timestamp,
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('doubles per failure, is capped, and jitters within [half, full)', () => {
    expect(backoffDelay(0, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(3, 1000, 60_000, () => 0)).toBe(4000);
    expect(backoffDelay(3, 1000, 60_000, () => 0.999_999)).toBeCloseTo(8000, 0);
    expect(backoffDelay(20, 1000, 60_000, () => 0.999_999)).toBeCloseTo(60_000, 0);
    expect(backoffDelay(20, 1000, 60_000, () => 0)).toBe(30_000);
  });
});

function queueWith(results: SendResult[], extra: Partial<Parameters<typeof createQueue>[0]> = {}) {
  const storage = memoryStorage();
  const sent: string[][] = [];
  const queue = createQueue({
    storage,
    send: async (batch) => {
      sent.push(batch.map((e) => e.event as string));
      return results.shift() ?? { acked: true };
    },
    flushAt: 10,
    flushInterval: 1000,
    random: () => 0,
    ...extra,
  });
  return { queue, storage, sent };
}

describe('queue retries', () => {
  it('waits exactly as long as Retry-After asks before trying again', async () => {
    const { queue, sent, storage } = queueWith([{ acked: false, retryAfter: 30_000, status: 429 }]);
    await queue.push(event(1));
    await queue.flush();
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(sent).toHaveLength(2);
    expect(await storage.entries('q:')).toHaveLength(0);
  });

  it('keeps to Retry-After when events are pushed while the refused send is in flight', async () => {
    let answer: (r: SendResult) => void = () => {};
    const sent: number[] = [];
    const queue = createQueue({
      storage: memoryStorage(),
      send: (batch) => {
        sent.push(batch.length);
        return sent.length === 1
          ? new Promise<SendResult>((resolve) => (answer = resolve))
          : Promise.resolve({ acked: true });
      },
      flushAt: 10,
      flushInterval: 500,
      random: () => 0,
    });
    await queue.push(event(1));
    const first = queue.flush();
    await vi.advanceTimersByTimeAsync(0);
    // While it is in flight: one push sets a short timer, ten more ask for a flush.
    for (let i = 2; i <= 12; i++) await queue.push(event(i));
    answer({ acked: false, retryAfter: 30_000, status: 429 });
    await first;
    await vi.advanceTimersByTimeAsync(29_000);
    expect(sent).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(sent.slice(1).reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('backs off exponentially while the network fails and never drops for it', async () => {
    const down = Array.from({ length: 30 }, () => ({ acked: false }));
    const { queue, sent, storage } = queueWith(down, { maxAttempts: 3 });
    await queue.push(event(1));
    await queue.flush();
    // base 2 s with jitter 0.5: 1 s, 2 s, 4 s, 8 s, ... between attempts
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_900);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(sent).toHaveLength(4);
    expect(queue.dropped).toBe(0);
    expect(await storage.entries('q:')).toHaveLength(1);
  });

  it('backs off also with flushInterval 0 (send at once) instead of retrying in a loop', async () => {
    const down = Array.from({ length: 30 }, () => ({ acked: false }));
    const { queue, sent } = queueWith(down, { flushInterval: 0 });
    await queue.push(event(1));
    await queue.flush();
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toHaveLength(1);
    // The default's base (2 × 500 ms) with jitter 0.5: 500 ms, then 1 s.
    await vi.advanceTimersByTimeAsync(400);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toHaveLength(3);
  });

  it('drops an event after maxAttempts errors from the collector, and counts it', async () => {
    const failing = Array.from({ length: 3 }, () => ({ acked: false, status: 503 }));
    const { queue, sent, storage } = queueWith(failing, { maxAttempts: 3 });
    await queue.push(event(1));
    for (let i = 0; i < 3; i++) await queue.flush();
    expect(sent).toHaveLength(3);
    expect(queue.dropped).toBe(1);
    expect(await storage.entries('q:')).toHaveLength(0);
  });

  it('drops and counts a batch the collector refused as a whole for good', async () => {
    const { queue, sent, storage } = queueWith([{ acked: true, refused: true, status: 403 }]);
    await queue.push(event(1));
    await queue.push(event(2));
    await queue.flush();
    expect(sent).toHaveLength(1);
    expect(queue.dropped).toBe(2);
    expect(await storage.entries('q:')).toHaveLength(0);
  });

  it('drops events queued longer ago than maxAgeMs without sending them', async () => {
    const { queue, sent } = queueWith([], { maxAgeMs: 60_000 });
    await queue.push(event(1), Date.now() - 120_000);
    await queue.push(event(2, '2020-01-01T00:00:00.000Z')); // backdated, but queued now

    await queue.flush();
    expect(sent).toEqual([['E2']]);
    expect(queue.dropped).toBe(1);
  });

  it('splits batches by bytes as well as by count', async () => {
    const { queue, sent } = queueWith([], { maxBytes: 2_000 });
    for (let i = 0; i < 6; i++)
      await queue.push({ ...event(i), properties: { pad: 'x'.repeat(500) } });
    await queue.flush();
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.flat()).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'E5']);
  });

  it('skips its turn when another tab holds the lease, and tries again later', async () => {
    let held = true;
    const lock: FlushLock = async (fn) => {
      if (held) return false;
      await fn();
      return true;
    };
    const { queue, sent } = queueWith([], { lock });
    await queue.push(event(1));
    await queue.flush();
    expect(sent).toHaveLength(0);
    held = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([['E1']]);
  });
});

describe('two tabs sharing one queue store', () => {
  it('send every event exactly once when the lock serialises their flushes', async () => {
    vi.useRealTimers();
    const storage = memoryStorage();
    let tail = Promise.resolve();
    const lock: FlushLock = (fn) => {
      const run = tail.then(fn);
      tail = run.catch(() => {});
      return run.then(() => true);
    };
    const sent: string[] = [];
    const send = async (batch: WireEvent[]) => {
      await Promise.resolve();
      sent.push(...batch.map((e) => e.event as string));
      return { acked: true };
    };
    const tab = () => createQueue({ storage, send, flushAt: 3, flushInterval: 60_000, lock });
    const tabs = [tab(), tab()] as const;
    const pushes: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) pushes.push(tabs[i % 2 ? 1 : 0].push(event(i)));
    await Promise.all(pushes);
    await Promise.all(tabs.map((t) => t.flush()));
    expect(sent.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `E${i}`).sort());
  });
});
