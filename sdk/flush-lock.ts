import { localGet, localSet } from './local.js';

/** Runs `fn` holding the flush lock; resolves false when another tab holds it (fallback only). */
export type FlushLock = (fn: () => Promise<void>) => Promise<boolean>;

const NAME = 'segmently-flush';
const LEASE_KEY = 'flush';
/** A crashed tab's lease expires; a slow flush past it only risks duplicates, never loss. */
const LEASE_MS = 15_000;

/**
 * Only one tab flushes at a time, so tabs never send the same queued event twice: Web Locks
 * queue the tabs up; without them, a lease in localStorage makes the others skip their turn.
 */
export function flushLock(): FlushLock {
  const locks = navigator.locks;
  if (locks?.request) return (fn) => locks.request(NAME, fn).then(() => true);
  // A tab's own flushes never overlap (the queue runs one pass at a time), so any live
  // lease belongs to another tab.
  return async (fn) => {
    // No lease (undefined) compares false.
    if ((localGet(LEASE_KEY) as number) > Date.now()) return false;
    localSet(LEASE_KEY, Date.now() + LEASE_MS);
    try {
      await fn();
    } finally {
      localSet(LEASE_KEY);
    }
    return true;
  };
}
