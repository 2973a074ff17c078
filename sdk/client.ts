import { isGranted } from '../shared/consent.js';
import { type StandardEvent, type StandardProperties, toStandardEvent } from '../shared/events.js';
import { KEEPALIVE_BYTES, MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from '../shared/limits.js';
import { PIXEL_JSON_BYTES } from '../shared/pixel.js';
import type { EventType, JsonObject, WireEvent } from '../shared/wire.js';
import { landingTouches, type Touches } from './campaign.js';
import { createAdmission } from './consent/admission.js';
import { type ConsentApi, createConsent } from './consent/core.js';
import type { ConsentOptions } from './consent/options.js';
import { LIBRARY, pageContext, setReferrer } from './context.js';
import { warnIfMalformed } from './event-check.js';
import { flushLock } from './flush-lock.js';
import { mayPersonalize } from './gate.js';
import { hashTraits } from './hash.js';
import { createIdentity } from './identity.js';
import { persistLocally } from './local.js';
import { debugLog, safe, setDebug } from './log.js';
import { watchNavigations } from './pageviews.js';
import { createQueue } from './queue.js';
import { touchSession } from './session.js';
import { openStorage, type Storage } from './storage.js';
import { batchBody, chunkEvents, postText, sendOnUnload, sendPixel } from './transport.js';
import { createUtm } from './utm.js';
import { uuidv7 } from './uuid.js';

export interface SegmentlyOptions {
  /** The source's write key, from the collector's admin API. */
  writeKey: string;
  /** Origin of the collector, e.g. `https://collect.example.com`. */
  apiHost: string;
  /** Send a pageview on load and on single-page-app navigations (default true). */
  autoPage?: boolean;
  /** Events per request (default 20). */
  flushAt?: number;
  /** Milliseconds to wait for more events before sending (default 500). */
  flushInterval?: number;
  debug?: boolean;
  /** Where the queue lives; IndexedDB with an in-memory fallback by default. */
  storage?: Storage;
  /** Country calling code for phone numbers given without one when hashing (e.g. `49`). */
  phoneCountryCode?: string;
  /** Consent categories, policy revision, opt-in/opt-out, banner texts (see README § Consent). */
  consent?: ConsentOptions;
}

export type Properties = JsonObject;

export interface EventOptions {
  /** When it happened, if not now. */
  timestamp?: Date | string;
  /** Merged into the event's `context`. */
  context?: JsonObject;
  /** Your own idempotency key; the collector stores one event per messageId. */
  messageId?: string;
}

export interface IdentifyOptions extends EventOptions {
  /** Hash `email` / `phone` traits with SHA-256 in the browser (default true). */
  hash?: boolean;
}

export type TrackProperties<E extends string> = E extends StandardEvent
  ? StandardProperties
  : Properties;

export interface Segmently {
  /** TikTok standard names (`AddToCart`, …) are typed; Segment spec names are mapped to them. */
  track<E extends string>(event: E, properties?: TrackProperties<E>, options?: EventOptions): void;
  page(name?: string, properties?: Properties, options?: EventOptions): void;
  /** `email` and `phone` traits leave the browser only as SHA-256 (`email_sha256`, …). */
  identify(userId?: string, traits?: Properties, options?: IdentifyOptions): void;
  alias(newId: string, options?: EventOptions): void;
  group(groupId: string, traits?: Properties, options?: EventOptions): void;
  /** Forgets the user and starts a new anonymous identity. */
  reset(): void;
  flush(): Promise<void>;
  ready(fn: () => void): void;
  debug(on: boolean): void;
  /** Per-segment UTM tagging for the visitor's own segments. */
  utm: { tag(url: string, segmentKey?: string): string };
  readonly anonymousId: string;
  readonly userId: string | undefined;
  /** Events this page gave up on (too many failed attempts or too old). */
  readonly dropped: number;
  readonly consent: ConsentApi;
}

export function createSegmently(options: SegmentlyOptions): Segmently {
  const { writeKey, flushAt = 20, flushInterval = 500, phoneCountryCode } = options;
  const apiHost = options.apiHost.replace(/\/$/, '');
  setDebug(options.debug ?? false);
  const pixel = typeof fetch !== 'function';
  const queue = createQueue({
    storage: options.storage ?? openStorage(),
    // Re-checked at send time so a withdrawal stops events already read from the queue.
    send: (batch) => {
      const allowed = batch.filter(admission.allowed);
      if (!allowed.length) return Promise.resolve({ acked: true });
      const body = batchBody(writeKey, allowed);
      return pixel ? sendPixel(apiHost, body) : postText(`${apiHost}/v1/batch`, body);
    },
    flushAt,
    flushInterval,
    maxBytes: pixel ? PIXEL_JSON_BYTES : MAX_BATCH_BYTES,
    lock: flushLock(),
  });
  // --- consent: the gate decides, storage and the anonymous id follow analytics consent ---
  const analytics = () => isGranted(consent.api.get(), 'analytics');
  const consent = createConsent({
    options: options.consent,
    apiHost,
    writeKey,
    anonymousId: () => identity.anonymousId,
    onChange(before) {
      const withdrawn = !analytics() && isGranted(before, 'analytics');
      persistLocally(analytics());
      identity.consentChanged(withdrawn);
      if (withdrawn) void queue.drop((e) => !admission.allowed(e));
      admission.release();
      utm.retag();
    },
  });
  const admission = createAdmission(consent, (e) => void queue.push(e), options.consent?.hold);
  persistLocally(analytics());
  const identity = createIdentity(analytics);
  // --- end consent ---
  const utm = createUtm(
    apiHost,
    writeKey,
    () => identity.anonymousId,
    () => mayPersonalize(consent.api.get()),
  );
  let touches: Touches = landingTouches(location.search);

  function emit(
    type: EventType,
    fields: Partial<WireEvent>,
    { timestamp, context, messageId }: EventOptions = {},
    hashing?: Promise<Properties>,
  ): void {
    const { userId } = identity;
    const event: WireEvent = {
      type,
      messageId: messageId ?? uuidv7(),
      anonymousId: identity.anonymousId,
      ...(userId ? { userId } : {}),
      ...fields,
      timestamp: new Date(timestamp ?? Date.now()).toISOString(),
      context: {
        library: LIBRARY,
        page: pageContext(),
        userAgent: navigator.userAgent,
        locale: navigator.language,
        session: touchSession(),
        ...touches,
        ...context,
      },
    };
    if (hashing) void hashing.then((traits) => admission.admit({ ...event, traits }));
    else admission.admit(event);
  }

  const page = (name?: string, properties: Properties = {}, options?: EventOptions) => {
    touches = landingTouches(location.search);
    emit(
      'page',
      { ...(name ? { name } : {}), properties: { ...pageContext(), ...properties } },
      options,
    );
  };

  const api = {
    track: safe((name: string, props: Properties = {}, options?: EventOptions) => {
      const { event, properties } = toStandardEvent(name, props);
      warnIfMalformed(apiHost, event, properties);
      emit('track', { event, properties }, options);
    }),
    page: safe(page),
    identify: safe((id?: string, traits: Properties = {}, options: IdentifyOptions = {}) => {
      if (id) identity.setUserId(id);
      const hashing = options.hash !== false && (traits.email || traits.phone);
      emit(
        'identify',
        { traits },
        options,
        hashing ? hashTraits(traits, phoneCountryCode) : undefined,
      );
    }),
    alias: safe((newId: string, options?: EventOptions) => {
      emit(
        'alias',
        { previousId: identity.userId ?? identity.anonymousId, userId: newId },
        options,
      );
      identity.setUserId(newId);
    }),
    group: safe((groupId: string, traits: Properties = {}, options?: EventOptions) =>
      emit('group', { groupId, traits }, options),
    ),
    reset: safe(() => {
      identity.reset();
      utm.retag();
    }),
    flush: () => queue.flush().catch(debugLog),
    ready: safe((fn: () => void) => fn()),
    debug: safe(setDebug),
    utm: { tag: utm.tag },
    get anonymousId() {
      return identity.anonymousId;
    },
    get userId() {
      return identity.userId;
    },
    get dropped() {
      return queue.dropped;
    },
    consent: consent.api,
  } as Segmently;

  const sendQueuedOnExit = () => {
    const max = pixel ? PIXEL_JSON_BYTES : KEEPALIVE_BYTES;
    for (const chunk of chunkEvents(queue.takeForUnload(), MAX_BATCH_EVENTS, max))
      sendOnUnload(apiHost, batchBody(writeKey, chunk));
  };
  addEventListener('pagehide', sendQueuedOnExit);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') sendQueuedOnExit();
  });
  addEventListener('online', () => void queue.flush());

  consent.start();
  if (options.autoPage !== false) {
    page();
    watchNavigations((previous) => {
      setReferrer(previous);
      page();
    });
  } else if (analytics()) void queue.flush();
  return api;
}
