import type { ConsentCategory } from '../../shared/consent.js';
import type { WireEvent } from '../../shared/wire.js';
import { mayCollect, mayStillSend, unknownCategory } from '../gate.js';
import { debugLog } from '../log.js';
import type { ConsentCore } from './core.js';

const HELD_MAX = 100;

/**
 * Stamps `context.consent` (with the event's `category` when it needs one other than
 * analytics) on each event and asks the gate. Before a decision events are dropped, or while
 * one is awaited (`hold`, a CMP) kept in memory (never stored, never sent) and admitted or
 * dropped once it is known; `necessary` events need no decision.
 */
export function createAdmission(consent: ConsentCore, push: (e: WireEvent) => void) {
  const held: [WireEvent, ConsentCategory | undefined][] = [];
  let dropped = 0;
  const admit = (event: WireEvent, category?: ConsentCategory) => {
    if (unknownCategory(category)) {
      dropped++;
      return debugLog('unknown consent category', category, event);
    }
    if (!consent.decided() && category !== 'necessary') {
      if (consent.waiting() && held.length < HELD_MAX) held.push([event, category]);
      return;
    }
    event.context = {
      ...event.context,
      consent: { ...consent.context(), ...(category && { category }) },
    };
    if (mayCollect(event)) push(event);
    else debugLog('not collected', event);
  };
  return {
    admit,
    /** After a decision: admits what was held, each event as `adopt` makes it. */
    release: (adopt: (event: WireEvent) => WireEvent) => {
      for (const [event, category] of held.splice(0)) admit(adopt(event), category);
    },
    /** Events dropped for naming an unknown category, since this page loaded. */
    get dropped() {
      return dropped;
    },
    /** For events already queued: does the current consent still allow them? */
    allowed: (event: WireEvent) => mayStillSend(event, consent.context()),
  };
}
