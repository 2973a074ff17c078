import type { WireEvent } from '../shared/wire.js';

/**
 * The single place that decides whether an event may be queued and sent. Until consent
 * lands (issue 4) every event passes; keep all gating decisions here.
 */
export function mayCollect(_event: WireEvent): boolean {
  return true;
}
