import type { WireEvent } from '../shared/wire.js';

/**
 * The single place that decides whether an event may be queued and sent. Until consent
 * lands (issue 4) every event passes; keep all gating decisions here.
 */
export function mayCollect(_event: WireEvent): boolean {
  return true;
}

/**
 * May the SDK ask the collector for the visitor's segments and personalise links with them?
 * Needs personalization or marketing consent; the consent work (issue 4) makes this real.
 */
export function mayPersonalize(): boolean {
  return true;
}
