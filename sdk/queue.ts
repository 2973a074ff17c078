import { MAX_BATCH_BYTES } from '../shared/limits.js';
import type { WireEvent } from '../shared/wire.js';
import type { FlushLock } from './flush-lock.js';
import { debugLog } from './log.js';
import type { Storage } from './storage.js';
import { chunkEvents, type SendResult } from './transport.js';

const PREFIX = 'q:';

/**
 * `q:<ms since epoch, base 36>:<messageId>`: keys sort in the order events were made, and
 * carry the time they were queued for the age limit (a backdated `timestamp` is not stale).
 */
const queueKey = (event: WireEvent, at: number) => `${PREFIX}${at.toString(36)}:${event.messageId}`;
const queuedAt = (key: string) => Number.parseInt(key.slice(PREFIX.length), 36);
const DAY_MS = 86_400_000;

export interface QueueOptions {
  storage: Storage;
  send: (batch: WireEvent[]) => Promise<SendResult>;
  /** Events per request, and how many queued events start a send at once. */
  flushAt: number;
  /** Milliseconds to wait for more events before sending. */
  flushInterval: number;
  /** Bytes per request body (default: the collector's batch limit). */
  maxBytes?: number;
  /** Only one tab flushes at a time; the default runs at once (a single tab). */
  lock?: FlushLock;
  /** Server-answered failures (5xx, 408, 429) an event survives; default 10. */
  maxAttempts?: number;
  /** Queued events older than this are dropped; default 7 days. */
  maxAgeMs?: number;
  /** Longest wait between retries; default 5 minutes. */
  maxBackoffMs?: number;
  random?: () => number;
}

/**
 * Exponential backoff with jitter: the delay after the n-th failure in a row is
 * `base·2ⁿ` (capped) scaled by a random factor in [0.5, 1), so tabs and visitors coming
 * back from an outage do not retry in lockstep.
 */
export function backoffDelay(failures: number, base: number, cap: number, random = Math.random) {
  return Math.min(cap, base * 2 ** failures) * (0.5 + random() / 2);
}

/**
 * Events are persisted one key per messageId before any send, and deleted only after the
 * collector acknowledged them, so a crash, a reload or a closed tab loses nothing; the
 * collector ignores duplicate messageIds, so resending is always safe. Network failures
 * (offline, collector down) are retried until the event is `maxAgeMs` old; errors the
 * collector answers with count as attempts, up to `maxAttempts`. Drops are counted.
 */
export function createQueue(options: QueueOptions) {
  const { storage, send, flushAt, flushInterval, maxBytes = MAX_BATCH_BYTES } = options;
  const { maxAttempts = 10, maxAgeMs = 7 * DAY_MS, maxBackoffMs = 300_000 } = options;
  const lock: FlushLock = options.lock ?? ((fn) => fn().then(() => true));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> | undefined;
  let again: Promise<void> | undefined;
  let unsent = 0;
  let failures = 0;
  let dropped = 0;
  const attempts = new Map<string, number>();
  /** Events this page queued and the collector has not acknowledged: what unload must send. */
  const inPage = new Map<string, WireEvent>();

  // flush() clears the timer first: a fired one leaves no handle behind.
  const schedule = (delay: number) => {
    timer ??= setTimeout(flush, delay);
  };

  const forget = async (keys: string[]) => {
    for (const k of keys) {
      inPage.delete(k);
      attempts.delete(k);
    }
    await storage.delMany(keys);
  };

  async function flushOnce(): Promise<void> {
    const all = await storage.entries<WireEvent>(PREFIX);
    all.sort(([a], [b]) => (a < b ? -1 : 1));
    const tooOld = Date.now() - maxAgeMs;
    const keyOf = new Map<WireEvent, string>();
    const stale: string[] = [];
    for (const [key, event] of all) {
      if (queuedAt(key) < tooOld) stale.push(key);
      else keyOf.set(event, key);
    }
    dropped += stale.length;
    await forget(stale);
    for (const chunk of chunkEvents([...keyOf.keys()], flushAt, maxBytes)) {
      const result = await send(chunk);
      const keys = chunk.map((e) => keyOf.get(e) as string);
      if (result.acked) {
        if (result.refused) {
          dropped += keys.length;
          debugLog('refused by the collector', result.status, chunk);
        }
        failures = 0;
        await forget(keys);
        continue;
      }
      if (result.status) {
        const spent = keys.filter((k) => {
          const n = (attempts.get(k) ?? 0) + 1;
          attempts.set(k, n);
          return n >= maxAttempts;
        });
        dropped += spent.length;
        await forget(spent);
      }
      // Counted with Retry-After too: pushes and the pass asked for during this one wait. The
      // default's base when flushInterval is 0 (send at once), which would retry in a loop.
      const wait =
        result.retryAfter ??
        backoffDelay(failures, flushInterval * 2 || 1000, maxBackoffMs, options.random);
      failures++;
      // The wait replaces a timer set by pushes during the send (flushInterval would win).
      clearTimeout(timer);
      timer = setTimeout(flush, wait);
      return;
    }
    unsent = 0;
  }

  /** One pass at a time; a flush asked for during a pass gets a pass of its own after it. */
  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (!flushing) {
      flushing = lock(flushOnce)
        .then((ran) => {
          if (!ran) schedule(flushInterval);
        }, debugLog)
        .finally(() => (flushing = undefined));
      return flushing;
    }
    again ??= flushing.then(() => {
      again = undefined;
      // After a failed pass the backoff timer decides when to try again.
      return failures ? undefined : flush();
    });
    return again;
  }

  return {
    /** `at`: when the event was made, which orders the queue (default now). */
    async push(event: WireEvent, at = Date.now()): Promise<void> {
      const key = queueKey(event, at);
      inPage.set(key, event);
      await storage.set(key, event);
      // While backing off from failures, the timer decides when to try again.
      if (++unsent >= flushAt && !failures) void flush();
      else schedule(flushInterval);
    },
    flush,
    /** Events dropped since this page loaded: too many attempts, too old, or refused. */
    get dropped() {
      return dropped;
    },
    /** Removes queued events that are no longer allowed (consent withdrawn), memory and storage. */
    async drop(stale: (event: WireEvent) => boolean): Promise<void> {
      for (const [key, event] of inPage) if (stale(event)) inPage.delete(key);
      const entries = await storage.entries<WireEvent>(PREFIX);
      await forget(entries.filter(([, e]) => stale(e)).map(([key]) => key));
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
