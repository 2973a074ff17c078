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

/** Whether any of these ids (as ingest stores them: numbers as text) was erased. */
export function anySuppressed(req: Pick<IngestRequest, 'source' | 'suppressions'>, ids: unknown[]) {
  return ids.some(
    (id) =>
      (typeof id === 'string' || typeof id === 'number') &&
      String(id) !== '' &&
      req.suppressions.has(req.source.id, String(id)),
  );
}

/** Ids erased through the privacy API stay erased. */
export const suppressedFilter: EventFilter = (event, req) =>
  anySuppressed(req, [event.userId, event.anonymousId, event.previousId])
    ? 'suppressed'
    : undefined;

export const EVENT_FILTERS: EventFilter[] = [botFilter, suppressedFilter, consentFilter];
