import { randomUUID } from 'node:crypto';
import type { Enrichment } from './enrich.js';
import type { ValidEvent } from './validate.js';
import type { EventRow } from './writer.js';

/**
 * Clock-skew correction: the device's clock may be off, but the time between its
 * `timestamp` and its `sentAt` is right; anchor that gap to our own `receivedAt`.
 */
export function correctedTimestamp(
  event: ValidEvent,
  batchSentAt: number | undefined,
  receivedAt: number,
) {
  const ts = event.timestamp ?? event.originalTimestamp;
  const sentAt = event.sentAt ?? batchSentAt;
  if (ts === undefined) return receivedAt;
  if (sentAt === undefined) return ts;
  return receivedAt - (sentAt - ts);
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
