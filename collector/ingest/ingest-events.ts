import type { BatchResponse, RejectedEvent } from '../../shared/wire.js';
import { consentRefusal } from '../consent/event-filter.js';
import type { AppDeps } from '../deps.js';
import { awaitCommit } from './await-commit.js';
import { truncateIp } from './client-ip.js';
import { enrich } from './enrich.js';
import { anySuppressed, EVENT_FILTERS, type IngestRequest } from './filters.js';
import { toEventRow } from './to-row.js';
import { checkEvent, epochMs, MAX_DEPTH, type ValidEvent } from './validate.js';
import type { EventRow, FailedRow } from './writer.js';

export type JsonRecord = Record<string, unknown>;
export const isRecord = (v: unknown): v is JsonRecord =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface IngestBatch {
  /** The events as sent, not yet validated. */
  raws: unknown[];
  /** Batch-level `context` and `sentAt` (Segment's /v1/batch) apply to every event. */
  context?: JsonRecord;
  sentAt?: string | number;
  /** Set when some event may exceed the per-event limit, so each is measured. */
  measure: boolean;
  /** Keep rejected events in failed_events (not when replaying one from there). */
  recordFailures?: boolean;
  /** When the events arrived (a replay passes the original time); now by default. */
  receivedAt?: number;
}

function dropReason(event: ValidEvent, request: IngestRequest): string | undefined {
  for (const filter of EVENT_FILTERS) {
    const reason = filter(event, request);
    if (reason) return reason;
  }
  return undefined;
}

/** JSON of what a sender posted, for failed_events; nesting too deep for stringify is noted. */
function payloadOf(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? 'null';
  } catch {
    return JSON.stringify({ unserializable: 'nested too deep to store' });
  }
}

/**
 * `value` with what nests deeper than `levels` emptied. A payload rejected as too deep may nest
 * past what SQLite's JSON functions read (1,000 levels): kept whole, export and erasure could
 * not find the ids it names. Kept to one level past the limit, it is still refused on replay.
 */
function prunedBelow(value: unknown, levels: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (levels === 0) return Array.isArray(value) ? [] : {};
  if (Array.isArray(value)) return value.map((v) => prunedBelow(v, levels - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, prunedBelow(v, levels - 1)]));
}

/**
 * A rejected event as failed_events keeps it: with the batch's context and sentAt it was sent
 * with, so a replay enriches and dates it as the original request would have, and with the
 * visitor's address truncated like a stored event's (the request's when the event names none).
 */
function failedPayload(event: unknown, sentAt: IngestBatch['sentAt'], request: IngestRequest) {
  if (!isRecord(event)) return payloadOf(event);
  const context = event.context == null ? {} : event.context;
  if (!isRecord(context)) return payloadOf(event);
  // As enrich() does: the event's own address when it is one, else the request's.
  const ip = (typeof context.ip === 'string' && truncateIp(context.ip)) || request.ipTruncated;
  const { ip: _whole, ...rest } = context;
  return payloadOf({
    ...event,
    ...(event.sentAt === undefined && sentAt !== undefined ? { sentAt } : {}),
    ...(ip || event.context != null ? { context: ip ? { ...rest, ip } : rest } : {}),
  });
}

/**
 * The ingest path after a request is read and authenticated, shared by every way events
 * come in (POST bodies, the pixel, failed-event replay): validate → filter → enrich →
 * write. Resolves with Segment's partial-acceptance answer once the rows are committed.
 */
export function createIngest({
  writer,
  now,
  metrics,
  drops,
}: Pick<AppDeps, 'writer' | 'now' | 'metrics' | 'drops'>) {
  const acceptedTotal = metrics.counter(
    'segmently_events_accepted_total',
    'Events acknowledged to senders',
  );
  const rejectedTotal = metrics.counter(
    'segmently_events_rejected_total',
    'Events rejected as invalid, by code',
  );
  const dropped = metrics.counter(
    'segmently_events_dropped_total',
    'Valid events not stored, by reason',
  );

  return async function ingestEvents(
    {
      raws,
      context: batchContext,
      sentAt,
      measure,
      recordFailures = true,
      receivedAt = now(),
    }: IngestBatch,
    request: IngestRequest,
  ): Promise<BatchResponse> {
    const parsedSentAt = sentAt === undefined ? Number.NaN : epochMs(sentAt);
    const batchSentAt = Number.isNaN(parsedSentAt) ? undefined : parsedSentAt;
    const sourceId = request.source.id;
    const rows: EventRow[] = [];
    const failed: FailedRow[] = [];
    const rejected: RejectedEvent[] = [];
    let accepted = 0;
    raws.forEach((raw, index) => {
      // An event's own context that is no object is left for validation to refuse.
      const withContext =
        batchContext && isRecord(raw) && (raw.context == null || isRecord(raw.context))
          ? { ...raw, context: { ...batchContext, ...raw.context } }
          : raw;
      // Measured as stored: a batch-level context counts in every event it is merged into.
      const size = measure ? Buffer.byteLength(payloadOf(withContext)) : 0;
      const checked = checkEvent(withContext, size);
      if (checked.ok) {
        accepted++;
        const reason = dropReason(checked.event, request);
        if (reason) {
          dropped.inc({ reason });
          drops.add(sourceId, reason);
        } else {
          const enrichment = enrich(checked.event, request);
          rows.push(toEventRow(sourceId, checked.event, receivedAt, batchSentAt, enrichment));
        }
      } else {
        rejectedTotal.inc({ code: checked.reject.code });
        rejected.push({ index, ...checked.reject });
        const { code, message } = checked.reject;
        // An erased id's payload is not kept either, valid or not, nor one its consent refuses.
        const ids = isRecord(raw) ? [raw.userId, raw.anonymousId, raw.previousId] : [];
        const context = isRecord(withContext) ? withContext.context : undefined;
        if (recordFailures && !anySuppressed(request, ids) && !consentRefusal(context, request)) {
          failed.push([
            sourceId,
            receivedAt,
            code,
            message,
            failedPayload(
              code === 'too_deep' ? prunedBelow(withContext, MAX_DEPTH + 1) : withContext,
              sentAt,
              request,
            ),
          ]);
        }
      }
    });
    await awaitCommit(writer.write(rows, failed));
    acceptedTotal.inc({}, accepted);
    return { accepted, rejected };
  };
}

export type IngestEvents = ReturnType<typeof createIngest>;
