import { localGet, localSet } from './local.js';
import { uuidv7 } from './uuid.js';

/** A session ends after 30 minutes without events (what GA and Segment use). */
export const SESSION_TIMEOUT_MS = 30 * 60_000;
const KEY = 'ses';

export interface Session {
  id: string;
  start: number;
  last: number;
}

/**
 * The session an event at `now` belongs to: the running one, or a new one after a gap or
 * over a stored one whose start is no time (a string, missing: its ISO string would throw).
 */
export function nextSession(prev: Session | undefined, now: number): Session {
  if (prev && now >= prev.last && now - prev.last < SESSION_TIMEOUT_MS && prev.start <= now)
    return { ...prev, last: now };
  return { id: uuidv7(now), start: now, last: now };
}

/** Stamps activity on the shared session (all tabs) and returns what events carry. */
export function touchSession(now = Date.now()): { id: string; start: string } {
  const prev = localGet<Session>(KEY);
  const next = nextSession(prev, now);
  // Writing once a second is precise enough for a 30-minute timeout and keeps track() cheap.
  if (next.id !== prev?.id || now - prev.last > 1000) localSet(KEY, next);
  return { id: next.id, start: new Date(next.start).toISOString() };
}

export const sessionId = () => localGet<Session>(KEY)?.id;

/** The next event starts a new session. */
export function endSession(): void {
  localSet(KEY);
}
