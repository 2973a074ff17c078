import { KEEPALIVE_BYTES } from '../shared/limits.js';
import type { EventType, JsonObject, WireEvent } from '../shared/wire.js';
import { LIBRARY, pageContext } from './context.js';
import { mayCollect } from './gate.js';
import { debugLog, safe, setDebug } from './log.js';
import { createQueue } from './queue.js';
import { openStorage, type Storage } from './storage.js';
import { batchBody, bodiesWithin, postBatch, sendOnUnload } from './transport.js';
import { uuidv7 } from './uuid.js';

export interface SegmentlyOptions {
  /** The source's write key, from the collector's admin API. */
  writeKey: string;
  /** Origin of the collector, e.g. `https://collect.example.com`. */
  apiHost: string;
  /** Send a pageview as soon as the SDK starts (default true). */
  autoPage?: boolean;
  /** Events per request (default 20). */
  flushAt?: number;
  /** Milliseconds to wait for more events before sending (default 500). */
  flushInterval?: number;
  debug?: boolean;
  /** Where the queue lives; IndexedDB with an in-memory fallback by default. */
  storage?: Storage;
}

export type Properties = JsonObject;

export interface Segmently {
  track(event: string, properties?: Properties): void;
  page(name?: string, properties?: Properties): void;
  identify(userId?: string, traits?: Properties): void;
  alias(newId: string): void;
  group(groupId: string, traits?: Properties): void;
  reset(): void;
  flush(): Promise<void>;
  ready(fn: () => void): void;
  debug(on: boolean): void;
  readonly anonymousId: string;
}

const ANON_KEY = 'sgm_aid';

function readAnonymousId(): string {
  try {
    const stored = localStorage.getItem(ANON_KEY);
    if (stored) return stored;
    const id = uuidv7();
    localStorage.setItem(ANON_KEY, id);
    return id;
  } catch {
    return uuidv7();
  }
}

export function createSegmently(options: SegmentlyOptions): Segmently {
  const { writeKey, apiHost, flushAt = 20, flushInterval = 500 } = options;
  setDebug(options.debug ?? false);
  const endpoint = `${apiHost.replace(/\/$/, '')}/v1/batch`;
  const queue = createQueue({
    storage: options.storage ?? openStorage(),
    send: (batch) => postBatch(endpoint, batchBody(writeKey, batch)),
    flushAt,
    flushInterval,
  });
  let anonymousId = readAnonymousId();
  let userId: string | undefined;

  function emit(type: EventType, fields: Partial<WireEvent>): void {
    const event: WireEvent = {
      type,
      messageId: uuidv7(),
      anonymousId,
      ...(userId ? { userId } : {}),
      ...fields,
      timestamp: new Date().toISOString(),
      context: {
        library: LIBRARY,
        page: pageContext(),
        userAgent: navigator.userAgent,
        locale: navigator.language,
      },
    };
    if (mayCollect(event)) void queue.push(event);
    else debugLog('not collected', event);
  }

  const api: Segmently = {
    track: safe((event: string, properties: Properties = {}) =>
      emit('track', { event, properties }),
    ),
    page: safe((name?: string, properties: Properties = {}) =>
      emit('page', { ...(name ? { name } : {}), properties: { ...pageContext(), ...properties } }),
    ),
    identify: safe((id?: string, traits: Properties = {}) => {
      if (id) userId = id;
      emit('identify', { traits });
    }),
    alias: safe((newId: string) => {
      emit('alias', { previousId: userId ?? anonymousId, userId: newId });
      userId = newId;
    }),
    group: safe((groupId: string, traits: Properties = {}) => emit('group', { groupId, traits })),
    reset: safe(() => {
      userId = undefined;
      try {
        localStorage.removeItem(ANON_KEY);
      } catch {}
      anonymousId = readAnonymousId();
    }),
    flush: () => queue.flush().catch(debugLog),
    ready: safe((fn: () => void) => fn()),
    debug: safe((on: boolean) => setDebug(on)),
    get anonymousId() {
      return anonymousId;
    },
  } as Segmently;

  const sendQueuedOnExit = () => {
    for (const body of bodiesWithin(writeKey, queue.takeForUnload(), KEEPALIVE_BYTES))
      sendOnUnload(endpoint, body);
  };
  addEventListener('pagehide', sendQueuedOnExit);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') sendQueuedOnExit();
  });

  if (options.autoPage !== false) api.page();
  else void queue.flush();
  return api;
}
