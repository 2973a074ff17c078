import { consentFilter } from '../consent/event-filter.js';
import type { Source } from '../sources/store.js';
import type { ValidEvent } from './validate.js';

/** What a filter knows about the request an event came in. */
export interface IngestRequest {
  source: Source;
  headers: (name: string) => string | undefined;
}

/**
 * A filter drops a valid event before storage and names the reason (counted in
 * `segmently_events_dropped_total{reason}`). Dropped events are acknowledged as accepted —
 * the sender did nothing wrong — but never stored. Filters run in array order.
 */
export type EventFilter = (event: ValidEvent, req: IngestRequest) => string | undefined;

export const EVENT_FILTERS: EventFilter[] = [consentFilter];
