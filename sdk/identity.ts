import { localGet, localSet } from './local.js';
import { uuidv7 } from './uuid.js';

const ANON_KEY = 'sgm_aid';
const USER_KEY = 'sgm_uid';

/** The visitor's anonymous id and, once identified, user id; both kept first-party. */
export function createIdentity() {
  let anonymousId = localGet<string>(ANON_KEY) ?? '';
  let userId = localGet<string>(USER_KEY);
  const fresh = () => {
    anonymousId = uuidv7();
    localSet(ANON_KEY, anonymousId);
  };
  if (!anonymousId) fresh();
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
      fresh();
    },
  };
}

export type Identity = ReturnType<typeof createIdentity>;
