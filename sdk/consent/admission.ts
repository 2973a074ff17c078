import type { WireEvent } from '../../shared/wire.js';
import { mayCollect, mayStillSend } from '../gate.js';
import { debugLog } from '../log.js';
import type { ConsentCore } from './core.js';

const HELD_MAX = 100;

/**
 * Stamps `context.consent` on each event and asks the gate. Before a decision events are
 * dropped, or with `hold` kept in memory (never stored, never sent) and admitted or dropped
 * once the decision is known.
 */
export function createAdmission(consent: ConsentCore, push: (e: WireEvent) => void, hold = false) {
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
