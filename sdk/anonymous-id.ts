import { uuidv7 } from './uuid.js';

const KEY = 'sgm_aid';

/** The stored id: left only by an analytics grant (reset() and withdrawals remove it). */
export function storedId(): string | null | undefined {
  try {
    return localStorage.getItem(KEY);
  } catch {}
}

/**
 * The anonymous id is stored only while analytics is granted; otherwise it lives in memory and
 * any stored one is removed. `keep` is the id in use, persisted when storage becomes allowed
 * (a stored id wins: the visitor's). With `persist` unknown (a decision is awaited) a stored
 * id is left as it is but not used: it goes out only once analytics is granted again.
 */
export function anonymousIdFor(persist?: boolean, keep?: string): string {
  try {
    if (persist) {
      const id = storedId() || keep || uuidv7();
      localStorage.setItem(KEY, id);
      return id;
    }
    if (persist === false) localStorage.removeItem(KEY);
  } catch {}
  return keep ?? uuidv7();
}
