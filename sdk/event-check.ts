import type { standardEventProblems } from '../shared/events.js';
import { withChunk } from './chunk-loader.js';
import { debugging, debugLog } from './log.js';

type Check = typeof standardEventProblems;
declare global {
  interface Window {
    segmentlyEventCheck?: Check;
  }
}

/** Replaced at build time by the event-check chunk's content-hashed file name (rollup.config.ts). */
const EVENT_CHECK_FILE = '__SEGMENTLY_EVENT_CHECK__';

/**
 * Debug mode only: warns about malformed standard-event properties (never drops the event).
 * The check is a chunk of its own, fetched on first use, so the default bundle does not carry it.
 */
export function warnIfMalformed(apiHost: string, event: string, properties: object): void {
  if (!debugging()) return;
  withChunk<Check>(apiHost, EVENT_CHECK_FILE, 'segmentlyEventCheck', (check) => {
    const problems = check(event, properties as Record<string, unknown>);
    if (problems.length) debugLog(`${event}: ${problems.join('; ')}`, properties);
  });
}
