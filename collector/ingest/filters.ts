import { consentFilter } from '../consent/event-filter.js';
import type { Suppressions } from '../privacy/suppressions.js';
import type { Source } from '../sources/store.js';
import { userAgentOf } from './enrich.js';
import type { Sender } from './sender.js';
import { deviceOf } from './user-agent.js';
import type { ValidEvent } from './validate.js';

/** What a filter knows about the request an event came in. */
export interface IngestRequest extends Sender {
  source: Source;
  /** The sender's address truncated (/24, /48): a whole address is never stored. */
  ipTruncated: string | null;
  suppressions: Suppressions;
}

/**
 * A filter drops a valid event before storage and names the reason (counted in
 * `segmently_events_dropped_total{reason}`). Dropped events are acknowledged as accepted —
 * the sender did nothing wrong — but never stored. Filters run in array order.
 */
export type EventFilter = (event: ValidEvent, req: IngestRequest) => string | undefined;

/** Crawlers and headless browsers (HeadlessChrome included) are not visitors. */
export const botFilter: EventFilter = (event, req) =>
  deviceOf(userAgentOf(event, req)).bot ? 'bot' : undefined;

/** Ids erased through the privacy API stay erased. */
export const suppressedFilter: EventFilter = (event, req) => {
  for (const id of [event.userId, event.anonymousId, event.previousId]) {
    if (id && req.suppressions.has(req.source.id, id)) return 'suppressed';
  }
  return undefined;
};

export const EVENT_FILTERS: EventFilter[] = [botFilter, suppressedFilter, consentFilter];
