import type { WireEvent } from '../shared/wire.js';
import type { Storage } from './storage.js';
import type { SendResult } from './transport.js';

const PREFIX = 'q:';

export interface QueueOptions {
  storage: Storage;
  send: (batch: WireEvent[]) => Promise<SendResult>;
  flushAt: number;
  flushInterval: number;
}

/**
 * Events are persisted one key per messageId before any send, and deleted only after the
 * collector acknowledged them, so a crash, a reload or a closed tab loses nothing; the
 * collector ignores duplicate messageIds, so resending is always safe.
 */
export function createQueue({ storage, send, flushAt, flushInterval }: QueueOptions) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> | undefined;
  let again: Promise<void> | undefined;
  let unsent = 0;
  /** Events this page queued and the collector has not acknowledged: what unload must send. */
  const inPage = new Map<string, WireEvent>();

  const schedule = (delay: number) => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, delay);
  };

  async function flushOnce(): Promise<void> {
    const all = await storage.entries<WireEvent>(PREFIX);
    all.sort(([a], [b]) => (a < b ? -1 : 1));
    for (let i = 0; i < all.length; i += flushAt) {
      const chunk = all.slice(i, i + flushAt);
      const result = await send(chunk.map(([, e]) => e));
      if (!result.acked) {
        schedule(result.retryAfter ?? flushInterval * 4);
        return;
      }
      const keys = chunk.map(([k]) => k);
      for (const k of keys) inPage.delete(k);
      await storage.delMany(keys);
    }
    unsent = 0;
  }

  /** One pass at a time; a flush asked for during a pass gets a pass of its own after it. */
  function flush(): Promise<void> {
    if (!flushing) {
      flushing = flushOnce().finally(() => (flushing = undefined));
      return flushing;
    }
    again ??= flushing.then(() => {
      again = undefined;
      return flush();
    });
    return again;
  }

  return {
    async push(event: WireEvent): Promise<void> {
      inPage.set(PREFIX + event.messageId, event);
      await storage.set(PREFIX + event.messageId, event);
      if (++unsent >= flushAt) void flush();
      else schedule(flushInterval);
    },
    flush,
    /** Removes queued events that are no longer allowed (consent withdrawn), memory and storage. */
    async drop(stale: (event: WireEvent) => boolean): Promise<void> {
      for (const [key, event] of inPage) if (stale(event)) inPage.delete(key);
      const entries = await storage.entries<WireEvent>(PREFIX);
      await storage.delMany(entries.filter(([, e]) => stale(e)).map(([key]) => key));
    },
    /**
     * Hands over this page's unacknowledged events for a last send as the page goes away.
     * They stay persisted: the next page sends them again and the collector drops the
     * duplicates, so a send that did not make it loses nothing.
     */
    takeForUnload(): WireEvent[] {
      const events = [...inPage.values()];
      inPage.clear();
      return events;
    },
  };
}

export type Queue = ReturnType<typeof createQueue>;
