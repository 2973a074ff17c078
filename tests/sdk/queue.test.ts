import { describe, expect, it, vi } from 'vitest';
import { createQueue } from '../../sdk/queue.js';
import { memoryStorage, openStorage } from '../../sdk/storage.js';
import { uuidv7 } from '../../sdk/uuid.js';
import type { WireEvent } from '../../shared/wire.js';

const event = (n: number): WireEvent => ({
  type: 'track',
  event: `E${n}`,
  messageId: uuidv7(),
  anonymousId: 'a',
});

describe('queue', () => {
  it('persists before sending and deletes only what was acknowledged', async () => {
    const storage = memoryStorage();
    const sent: WireEvent[][] = [];
    let online = false;
    const queue = createQueue({
      storage,
      send: async (batch) => {
        if (online) sent.push(batch);
        return { acked: online };
      },
      flushAt: 2,
      flushInterval: 10_000,
    });
    for (let i = 0; i < 5; i++) await queue.push(event(i));
    await queue.flush();
    expect(await storage.entries('q:')).toHaveLength(5);
    online = true;
    await queue.flush();
    expect(sent.map((b) => b.map((e) => e.event))).toEqual([['E0', 'E1'], ['E2', 'E3'], ['E4']]);
    expect(await storage.entries('q:')).toHaveLength(0);
  });

  it('sends on its own once flushAt events are queued', async () => {
    const send = vi.fn(async () => ({ acked: true }));
    const queue = createQueue({
      storage: memoryStorage(),
      send,
      flushAt: 3,
      flushInterval: 60_000,
    });
    for (let i = 0; i < 3; i++) await queue.push(event(i));
    await vi.waitFor(() => expect(send).toHaveBeenCalledTimes(1));
  });
});

describe('queue flush ordering', () => {
  it('a flush asked for while one is running still sends what was pushed since', async () => {
    const storage = memoryStorage();
    const sent: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const queue = createQueue({
      storage,
      send: async (batch) => {
        await gate;
        sent.push(...batch.map((e) => e.event as string));
        return { acked: true };
      },
      flushAt: 10,
      flushInterval: 60_000,
    });
    await queue.push(event(1));
    const first = queue.flush();
    await queue.push(event(2));
    const second = queue.flush();
    release();
    await Promise.all([first, second]);
    expect(sent).toEqual(['E1', 'E2']);
  });
});

describe('queue on IndexedDB (fake-indexeddb)', () => {
  it('keeps unsent events across a reload: a new page sends them, in order, once', async () => {
    const offline = createQueue({
      storage: openStorage(),
      send: async () => ({ acked: false }),
      flushAt: 100,
      flushInterval: 60_000,
    });
    for (let i = 0; i < 5; i++) await offline.push(event(i));
    await offline.flush();

    const sent: string[] = [];
    const nextPage = createQueue({
      storage: openStorage(),
      send: async (batch) => {
        sent.push(...batch.map((e) => e.event as string));
        return { acked: true };
      },
      flushAt: 100,
      flushInterval: 60_000,
    });
    await nextPage.flush();
    await nextPage.flush();
    expect(sent).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
  });
});

describe('queue where IndexedDB is missing or throws', () => {
  const blocked = () => {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  };
  it.each([
    ['missing', { value: undefined }],
    ['throwing on open', { value: { open: blocked } }],
    ['throwing on access', { get: blocked }],
  ])('%s: events are kept in memory and sent', async (_, descriptor) => {
    const original = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB') as PropertyDescriptor;
    Object.defineProperty(globalThis, 'indexedDB', { ...descriptor, configurable: true });
    try {
      const sent: string[] = [];
      const queue = createQueue({
        storage: openStorage(),
        send: async (batch) => {
          sent.push(...batch.map((e) => e.event as string));
          return { acked: true };
        },
        flushAt: 100,
        flushInterval: 60_000,
      });
      await queue.push(event(1));
      await queue.push(event(2));
      await queue.flush();
      expect(sent).toEqual(['E1', 'E2']);
    } finally {
      Object.defineProperty(globalThis, 'indexedDB', original);
    }
  });
});
