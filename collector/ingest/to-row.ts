import { randomUUID } from 'node:crypto';
import type { Enrichment } from './enrich.js';
import type { ValidEvent } from './validate.js';
import type { EventRow } from './writer.js';

/**
 * Clock-skew correction: the device's clock may be off, but the time between its
 * `timestamp` and its `sentAt` is right; anchor that gap to our own `receivedAt`. No event
 * happened after we received it: a later time (a fast clock without `sentAt`) is cut to
 * `receivedAt`, or retention, which goes by this time, would keep the event for years.
 */
export function correctedTimestamp(
  event: ValidEvent,
  batchSentAt: number | undefined,
  receivedAt: number,
) {
  const ts = event.timestamp ?? event.originalTimestamp;
  const sentAt = event.sentAt ?? batchSentAt;
  if (ts === undefined) return receivedAt;
  const corrected = sentAt === undefined ? ts : receivedAt - (sentAt - ts);
  // Each time may be valid alone and the gap still far outside any date (SQLite would store
  // an integer too large to read back), or NaN from an unreadable sentAt.
  if (!(corrected >= 0)) return receivedAt;
  return Math.min(corrected, receivedAt);
}

export function toEventRow(
  sourceId: string,
  event: ValidEvent,
  receivedAt: number,
  batchSentAt: number | undefined,
  enrichment: Enrichment,
): EventRow {
  return [
    sourceId,
    event.messageId ?? randomUUID(),
    event.type,
    (event.type === 'track' ? event.event : event.name) ?? null,
    event.anonymousId ?? null,
    event.userId ?? null,
    event.previousId ?? null,
    event.groupId ?? null,
    correctedTimestamp(event, batchSentAt, receivedAt),
    receivedAt,
    jsonOrNull(event.properties),
    jsonOrNull(event.traits),
    jsonOrNull(enrichment.context ?? undefined),
    enrichment.deviceType,
    enrichment.os,
    enrichment.browser,
    enrichment.locale,
    enrichment.ipTruncated,
  ];
}

const jsonOrNull = (v: object | undefined) => (v === undefined ? null : JSON.stringify(v));
