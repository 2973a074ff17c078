import { isGranted } from '../shared/consent.js';
import { KEEPALIVE_BYTES } from '../shared/limits.js';
import type { EventType, JsonObject, WireEvent } from '../shared/wire.js';
import { anonymousIdFor } from './anonymous-id.js';
import { createAdmission } from './consent/admission.js';
import { type ConsentApi, createConsent } from './consent/core.js';
import type { ConsentOptions } from './consent/options.js';
import { LIBRARY, pageContext } from './context.js';
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
  /** Consent categories, policy revision, opt-in/opt-out, banner texts (see README § Consent). */
  consent?: ConsentOptions;
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
  readonly consent: ConsentApi;
}

export function createSegmently(options: SegmentlyOptions): Segmently {
  const { writeKey, apiHost, flushAt = 20, flushInterval = 500 } = options;
  setDebug(options.debug ?? false);
  const base = apiHost.replace(/\/$/, '');
  const endpoint = `${base}/v1/batch`;
  const queue = createQueue({
    storage: options.storage ?? openStorage(),
    // Re-checked at send time so a withdrawal stops events already read from the queue.
    send: (batch) => {
      const allowed = batch.filter(admission.allowed);
      return allowed.length
        ? postBatch(endpoint, batchBody(writeKey, allowed))
        : Promise.resolve({ acked: true });
    },
    flushAt,
    flushInterval,
  });
  // --- consent: the gate decides, storage and the anonymous id follow analytics consent ---
  const analytics = () => isGranted(consent.api.get(), 'analytics');
  const consent = createConsent({
    options: options.consent,
    apiHost: base,
    writeKey,
    anonymousId: () => anonymousId,
    onChange(before) {
      if (!analytics() && isGranted(before, 'analytics')) {
        anonymousId = anonymousIdFor(false);
        void queue.drop((e) => !admission.allowed(e));
      } else if (analytics()) anonymousId = anonymousIdFor(true, anonymousId);
      admission.release();
    },
  });
  const admission = createAdmission(consent, (e) => void queue.push(e), options.consent?.hold);
  let anonymousId = anonymousIdFor(analytics());
  let userId: string | undefined;
  // --- end consent ---

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
    admission.admit(event);
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
      anonymousId = anonymousIdFor(false);
      if (analytics()) anonymousId = anonymousIdFor(true);
    }),
    flush: () => queue.flush().catch(debugLog),
    ready: safe((fn: () => void) => fn()),
    debug: safe((on: boolean) => setDebug(on)),
    get anonymousId() {
      return anonymousId;
    },
    consent: consent.api,
  } as Segmently;

  const sendQueuedOnExit = () => {
    for (const body of bodiesWithin(writeKey, queue.takeForUnload(), KEEPALIVE_BYTES))
      sendOnUnload(endpoint, body);
  };
  addEventListener('pagehide', sendQueuedOnExit);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') sendQueuedOnExit();
  });

  consent.start();
  if (options.autoPage !== false) api.page();
  else if (analytics()) void queue.flush();
  return api;
}
