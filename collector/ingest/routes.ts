import { type Context, Hono } from 'hono';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_EVENT_BYTES } from '../../shared/limits.js';
import { PIXEL_PATH } from '../../shared/pixel.js';
import { type BatchResponse, EVENT_TYPES, type RejectedEvent } from '../../shared/wire.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { authenticateSource } from './auth.js';
import { readJsonBody } from './body.js';
import { EVENT_FILTERS, type IngestRequest } from './filters.js';
import { pixelHandler } from './pixel.js';
import { toEventRow } from './to-row.js';
import { checkEvent, type ValidEvent } from './validate.js';
import type { EventRow, FailedRow } from './writer.js';

type JsonRecord = Record<string, unknown>;
const isRecord = (v: unknown): v is JsonRecord =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Batch-level `context` and `sentAt` apply to every event of the batch (Segment's /v1/batch). */
function eventsOf(
  body: unknown,
  single: string | undefined,
): { raws: unknown[]; batch: JsonRecord } {
  if (!isRecord(body)) throw new ApiError(400, 'invalid_body', 'Body must be a JSON object');
  if (single) return { raws: [{ ...body, type: single }], batch: {} };
  if (!Array.isArray(body.batch))
    throw new ApiError(400, 'invalid_batch', 'Body must have a batch array');
  if (body.batch.length > MAX_BATCH_EVENTS) {
    throw new ApiError(413, 'too_many_events', `A batch holds at most ${MAX_BATCH_EVENTS} events`);
  }
  return { raws: body.batch, batch: body };
}

function dropReason(event: ValidEvent, request: IngestRequest): string | undefined {
  for (const filter of EVENT_FILTERS) {
    const reason = filter(event, request);
    if (reason) return reason;
  }
  return undefined;
}

export function ingestRoutes(deps: AppDeps) {
  const { sources, writer, now, metrics, drops } = deps;
  const app = new Hono();
  const accepted = metrics.counter(
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

  /** The one ingest path, whatever carried the body (POST or the pixel's query string). */
  async function ingest(c: Context, body: unknown, single?: string) {
    const source = await authenticateSource(c, body, sources);
    const { raws, batch } = eventsOf(body, single);
    const receivedAt = now();
    const batchSentAt = typeof batch.sentAt === 'string' ? Date.parse(batch.sentAt) : undefined;
    const batchContext = isRecord(batch.context) ? batch.context : undefined;
    const measure = Number(c.req.header('Content-Length') ?? MAX_BATCH_BYTES) > MAX_EVENT_BYTES;

    const rows: EventRow[] = [];
    const failed: FailedRow[] = [];
    const rejected: RejectedEvent[] = [];
    const request: IngestRequest = { source, headers: (name) => c.req.header(name) };
    let acceptedCount = 0;
    raws.forEach((raw, index) => {
      const withContext =
        batchContext && isRecord(raw)
          ? { ...raw, context: { ...batchContext, ...(raw.context as JsonRecord) } }
          : raw;
      const json = measure ? JSON.stringify(raw) : '';
      const checked = checkEvent(withContext, Buffer.byteLength(json));
      if (checked.ok) {
        const reason = dropReason(checked.event, request);
        if (reason) {
          dropped.inc({ reason });
          drops.add(source.id, reason);
        } else rows.push(toEventRow(source.id, checked.event, receivedAt, batchSentAt));
        acceptedCount++;
      } else {
        rejectedTotal.inc({ code: checked.reject.code });
        rejected.push({ index, ...checked.reject });
        failed.push([
          source.id,
          receivedAt,
          checked.reject.code,
          checked.reject.message,
          json || JSON.stringify(raw) || 'null',
        ]);
      }
    });
    await writer.write(rows, failed);
    accepted.inc({}, acceptedCount);
    return c.json<BatchResponse>({ accepted: acceptedCount, rejected });
  }

  app.post('/v1/batch', async (c) => ingest(c, await readJsonBody(c, MAX_BATCH_BYTES)));
  for (const type of EVENT_TYPES)
    app.post(`/v1/${type}`, async (c) => ingest(c, await readJsonBody(c, MAX_EVENT_BYTES), type));
  app.get(PIXEL_PATH, pixelHandler(ingest, deps));
  return app;
}
