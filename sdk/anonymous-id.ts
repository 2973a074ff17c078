import { uuidv7 } from './uuid.js';

const KEY = 'sgm_aid';

/**
 * The anonymous id is stored only while analytics is granted; otherwise it lives in memory and
 * any stored one is removed. `keep` is the id in use, persisted when storage becomes allowed.
 * With `persist` unknown (a decision is awaited) a stored id is read and left as it is.
 */
export function anonymousIdFor(persist?: boolean, keep?: string): string {
  try {
    if (persist === false) {
      localStorage.removeItem(KEY);
      return keep ?? uuidv7();
    }
    const id = localStorage.getItem(KEY) || keep || uuidv7();
    if (persist) localStorage.setItem(KEY, id);
    return id;
  } catch {
    return keep ?? uuidv7();
  }
}
