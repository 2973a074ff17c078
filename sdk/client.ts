import { CONSENT_CATEGORIES, type ConsentCategory, isGranted } from '../shared/consent.js';
import { toStandardEvent } from '../shared/events.js';
import type { EventType, WireEvent } from '../shared/wire.js';
import type {
  EventOptions,
  IdentifyOptions,
  Properties,
  Segmently,
  SegmentlyOptions,
} from './api-types.js';
import { forgetTouches, landingTouches, type Touches } from './campaign.js';
import { createAdmission } from './consent/admission.js';
import { createConsent } from './consent/core.js';
import { eventContext, pageContext, setReferrer } from './context.js';
import { warnIfMalformed } from './event-check.js';
import { flushLock } from './flush-lock.js';
import { mayPersonalize } from './gate.js';
import { hashTraits } from './hash.js';
import { createIdentity } from './identity.js';
import { localSet, persistLocally } from './local.js';
import { debugLog, safe, setDebug } from './log.js';
import { watchNavigations } from './pageviews.js';
import { createQueue } from './queue.js';
import { openStorage } from './storage.js';
import { maxBatchBytes, sendBatch, sendOnPageExit } from './transport.js';
import { createUtm, SEGMENTS_KEY } from './utm.js';
import { uuidv7 } from './uuid.js';

export function createSegmently(options: SegmentlyOptions): Segmently {
  const { writeKey, flushAt = 20, flushInterval = 500, phoneCountryCode } = options;
  const apiHost = options.apiHost.replace(/\/$/, '');
  setDebug(options.debug ?? false);
  const queue = createQueue({
    storage: options.storage ?? openStorage(),
    // Re-checked at send time so a withdrawal stops events already read from the queue.
    send: async (batch) => {
      const allowed = batch.filter(admission.allowed);
      const result = allowed.length ? await sendBatch(apiHost, writeKey, allowed) : { acked: true };
      // While a decision is awaited, what an earlier grant queued stays queued for it.
      return consent.waiting() && allowed.length < batch.length ? { acked: false } : result;
    },
    flushAt,
    flushInterval,
    maxBytes: maxBatchBytes(),
    lock: flushLock(),
  });
  // The gate decides; local storage and the anonymous id follow analytics consent (undefined
  // while a decision is awaited: what is stored is kept, nothing new is written).
  const analytics = () =>
    consent.waiting() ? undefined : isGranted(consent.api.get(), 'analytics');
  const consent = createConsent({
    options: options.consent,
    apiHost,
    writeKey,
    anonymousId: () => identity.anonymousId,
    onChange(before) {
      const now = consent.api.get();
      const withdrawn = (c: ConsentCategory) => isGranted(before, c) && !isGranted(now, c);
      persistLocally(analytics());
      const heldAs = identity.anonymousId;
      identity.consentChanged(withdrawn('analytics'));
      // Only a withdrawal can make queued events disallowed: otherwise the queue is not read.
      if (CONSENT_CATEGORIES.some(withdrawn)) void queue.drop((e) => !admission.allowed(e));
      // Held events were made before the decision; a grant may have replaced a spent id.
      admission.release((e) => identity.adopt(e, heldAs));
      utm.retag();
    },
  });
  const admission = createAdmission(consent, (e) => {
    identity.sending(e);
    queuedHere = true;
    void queue.push(e);
  });
  persistLocally(analytics());
  const identity = createIdentity(analytics);
  const utm = createUtm(
    apiHost,
    writeKey,
    () => identity.anonymousId,
    () => mayPersonalize(consent.api.get()),
  );
  let touches: Touches = landingTouches(location.search);
  let queuedHere = false;
  // Reading the queue opens IndexedDB: only once analytics storage is allowed or this page
  // queued an event itself (a necessary one, or of another granted category). queue.flush()
  // logs its own failures and never rejects.
  const flush = () => (queuedHere || analytics() ? queue.flush() : Promise.resolve());

  function emit(
    type: EventType,
    fields: Partial<WireEvent>,
    { timestamp, context, messageId, category }: EventOptions = {},
    hashing?: Promise<Properties>,
  ): void {
    const event: WireEvent = {
      type,
      messageId: messageId ?? uuidv7(),
      anonymousId: identity.anonymousId,
      userId: identity.userId, // left out by the JSON copy below while undefined
      ...fields,
      timestamp: new Date(timestamp ?? Date.now()).toISOString(),
      context: eventContext(touches, context),
    };
    // A JSON copy: what the queue stores is what it can send (a circular or BigInt property
    // would otherwise stay queued, failing every flush); later changes by the page do not leak in.
    const admit = (e: WireEvent) => {
      try {
        admission.admit(JSON.parse(JSON.stringify(e)), category);
      } catch (err) {
        debugLog('event dropped, not JSON', err);
      }
    };
    if (hashing) void hashing.then((traits) => admit({ ...event, traits }));
    else admit(event);
  }

  // Safe itself: it also runs inside the page's own history.pushState (SPA navigations).
  const page = safe((name?: string, properties: Properties = {}, options?: EventOptions) => {
    touches = landingTouches(location.search);
    emit(
      'page',
      { ...(name && { name }), properties: { ...pageContext(), ...properties } },
      options,
    );
  });

  const api = {
    track: safe((name: string, props: Properties = {}, options?: EventOptions) => {
      const { event, properties } = toStandardEvent(name, props);
      warnIfMalformed(apiHost, event, properties);
      emit('track', { event, properties }, options);
    }),
    page,
    identify: safe(
      (
        id?: string | number | Properties,
        traits: Properties = {},
        options: IdentifyOptions = {},
      ) => {
        // Segment's identify(traits, options): an object first is traits, never a user id.
        if (id && typeof id === 'object')
          return api.identify(undefined, id, traits as IdentifyOptions);
        if (typeof id === 'number' || (typeof id === 'string' && id))
          identity.setUserId(String(id));
        const hashing = options.hash !== false && (traits.email || traits.phone);
        emit(
          'identify',
          { traits },
          options,
          hashing ? hashTraits(traits, phoneCountryCode) : undefined,
        );
      },
    ),
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
      touches = forgetTouches();
      localSet(SEGMENTS_KEY);
      utm.retag();
    }),
    flush,
    ready: safe((fn: () => void) => fn()),
    debug: setDebug,
    utm: { tag: utm.tag },
    get anonymousId() {
      return identity.anonymousId;
    },
    get userId() {
      return identity.userId;
    },
    get dropped() {
      return queue.dropped + admission.dropped;
    },
    consent: consent.api,
  } as Segmently;

  sendOnPageExit(apiHost, writeKey, queue.takeForUnload);
  addEventListener('online', flush);

  consent.start();
  if (options.autoPage !== false) {
    page();
    watchNavigations((previous) => {
      setReferrer(previous);
      page();
    });
  } else void flush();
  return api;
}
