import { anonymousIdFor } from './anonymous-id.js';
import { localGet, localSet } from './local.js';

const USER_KEY = 'uid';

/**
 * The visitor's anonymous id and, once identified, user id. Both are kept first-party only
 * while analytics consent allows (the anonymous id by anonymous-id.ts, the user id through
 * local.ts), in memory otherwise.
 */
export function createIdentity(persist: () => boolean) {
  let anonymousId = anonymousIdFor(persist());
  let userId = localGet<string>(USER_KEY);
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
    /** Forgets the user and starts a new anonymous identity (logout, shared devices). */
    reset() {
      userId = undefined;
      localSet(USER_KEY, undefined);
      anonymousId = anonymousIdFor(false);
      if (persist()) anonymousId = anonymousIdFor(true);
    },
    /** Consent changed: a withdrawal rotates the anonymous id, a grant persists it. */
    consentChanged(withdrawn: boolean) {
      if (withdrawn) anonymousId = anonymousIdFor(false);
      else if (persist()) anonymousId = anonymousIdFor(true, anonymousId);
    },
  };
}
