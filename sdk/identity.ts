import type { WireEvent } from '../shared/wire.js';
import { anonymousIdFor } from './anonymous-id.js';
import { localGet, localSet } from './local.js';
import { endSession, sessionId, touchSession } from './session.js';

const USER_KEY = 'uid';

/**
 * The visitor's anonymous id and, once identified, user id. Both are kept first-party only
 * while analytics consent allows (the anonymous id by anonymous-id.ts, the user id through
 * local.ts), in memory otherwise. While a decision is awaited, stored ones are kept but not
 * used (what is sent then goes out as on a first visit) until analytics is granted again.
 */
export function createIdentity(persist: () => boolean | undefined) {
  // Stored by other code or corrupt, a user id that is no string would get every event refused.
  const stored = () => {
    const id = localGet(USER_KEY);
    return typeof id === 'string' ? id : undefined;
  };
  let anonymousId = anonymousIdFor(persist());
  let userId = persist() === undefined ? undefined : stored();
  // The in-memory id left on an event sent without analytics consent (a `necessary` one, or
  // a granted category other than analytics): it must never become the stored analytics id.
  // Holds the session id such an event carried.
  let spent: string | false | undefined;
  return {
    get anonymousId() {
      return anonymousId;
    },
    get userId() {
      return userId;
    },
    setUserId(id: string) {
      userId = id;
      localSet(USER_KEY, id);
    },
    /** Forgets the user and starts a new anonymous identity and session (logout, shared devices). */
    reset() {
      userId = undefined;
      localSet(USER_KEY);
      endSession();
      // The inner call removes the stored id: the fresh one it makes is kept (stored if allowed).
      anonymousId = anonymousIdFor(persist(), anonymousIdFor(false));
      spent = false;
    },
    /** An event is queued to be sent. */
    sending(event: WireEvent) {
      if (!persist() && event.anonymousId === anonymousId)
        spent = event.context?.session?.id || '-';
    },
    /**
     * Consent changed: a withdrawal rotates the anonymous id and ends the session, so nothing
     * links what is sent after it to what was sent before; a grant persists the id, or a fresh
     * one (and starts a new session) if it already went out without analytics consent.
     */
    consentChanged(withdrawn: boolean) {
      if (withdrawn) {
        anonymousId = anonymousIdFor(false);
        endSession();
      } else if (persist()) {
        // Its session too, unless a stored one (kept out while waiting) continues instead.
        if (spent === sessionId()) endSession();
        anonymousId = anonymousIdFor(true, spent ? undefined : anonymousId);
        userId = stored() ?? userId;
      } else return;
      spent = false;
    },
    /** An event made as `made` (the id in force then) leaves as the visitor is now. */
    adopt(event: WireEvent, made: string): WireEvent {
      if (made !== anonymousId && event.anonymousId === made) {
        event.anonymousId = anonymousId;
        event.userId ??= userId;
        if (event.previousId === made) event.previousId = anonymousId;
        event.context = { ...event.context, session: touchSession() };
      }
      return event;
    },
  };
}
