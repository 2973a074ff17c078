/**
 * The SDK's first-party Web Storage for analytics state (user id, session, campaign touches,
 * segment cache, flush lease): `sgm.<key>` in localStorage while analytics consent allows,
 * this page's memory otherwise. It never throws (blocked storage, Safari private mode, quota).
 * The consent record and the anonymous id keep their own storage (consent/, anonymous-id.ts).
 */
const PREFIX = 'sgm.';
/** Undefined: removed while a decision is awaited (the grant removes the stored key too). */
const memory = new Map<string, string | undefined>();
/**
 * Undefined while a decision is awaited: stored keys are neither read, written nor removed.
 * Also until the first call: a page that starts without analytics consent deletes what an
 * earlier grant stored, it does not carry it on in memory as a withdrawal does.
 */
let persist: boolean | undefined;

export function localGet<T>(key: string): T | undefined {
  try {
    // While waiting, what is stored stays out of events (as the stored ids do) until a grant.
    const raw =
      memory.has(key) || persist === undefined
        ? memory.get(key)
        : localStorage.getItem(PREFIX + key);
    // Nothing stored (undefined) is no JSON either: it throws, as a corrupt value does.
    return JSON.parse(raw as string) ?? undefined;
  } catch {
    return undefined;
  }
}

function store(key: string, raw?: string): void {
  try {
    if (raw === undefined) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, raw);
  } catch {}
}

/** Without a value, removes the key. */
export function localSet(key: string, value?: unknown): void {
  const raw = JSON.stringify(value);
  if (persist) store(key, raw);
  else memory.set(key, raw);
}

/**
 * Follows analytics consent: granting moves this page's state into localStorage (removals
 * included); denying or withdrawing deletes every stored `sgm.` key, a withdrawal keeping
 * this page's state in memory; not known yet (undefined) leaves what is stored as it is,
 * unread, changes going to memory. A grant after waiting keeps a stored session and first
 * touch over the ones made meanwhile; a denial after waiting forgets what was stored.
 */
export function persistLocally(on?: boolean): void {
  if (on === persist) return;
  const copy = persist;
  persist = on;
  try {
    if (on) {
      // A stored session and first touch, kept out of events while waiting, continue now.
      for (const [key, raw] of memory)
        if (!raw || (key !== 'ses' && key !== 'cf') || !localStorage.getItem(PREFIX + key))
          store(key, raw);
      memory.clear();
    } else if (on === false)
      for (const name of Object.keys(localStorage)) {
        if (!name.startsWith(PREFIX)) continue;
        if (copy) memory.set(name.slice(PREFIX.length), localStorage.getItem(name) as string);
        localStorage.removeItem(name);
      }
  } catch {}
}
