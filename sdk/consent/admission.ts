import type { WireEvent } from '../../shared/wire.js';
import { mayCollect, mayStillSend } from '../gate.js';
import { debugLog } from '../log.js';
import type { ConsentCore } from './core.js';

const HELD_MAX = 100;

/**
 * Stamps `context.consent` on each event and asks the gate. Before a decision, events wait in
 * memory (never stored, never sent) when `hold` is on, and are admitted or dropped after it.
 */
export function createAdmission(consent: ConsentCore, push: (e: WireEvent) => void, hold = true) {
  const held: WireEvent[] = [];
  const admit = (event: WireEvent) => {
    if (!consent.decided()) {
      if (hold && held.length < HELD_MAX) held.push(event);
      return;
    }
    event.context = { ...event.context, consent: consent.context() };
    if (mayCollect(event)) push(event);
    else debugLog('not collected', event);
  };
  return {
    admit,
    /** After a decision: admits what was held. */
    release: () => {
      for (const event of held.splice(0)) admit(event);
    },
    /** For events already queued: does the current consent still allow them? */
    allowed: (event: WireEvent) => mayStillSend(event, consent.context()),
  };
}
