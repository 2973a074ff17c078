import { type Context, Hono } from 'hono';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_EVENT_BYTES } from '../../shared/limits.js';
import { PIXEL_PATH } from '../../shared/pixel.js';
import { EVENT_TYPES, type EventType } from '../../shared/wire.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { authenticateSource } from './auth.js';
import { readJsonBody } from './body.js';
import { truncateIp } from './client-ip.js';
import { checkOrigin, ingestCors } from './cors.js';
import type { IngestRequest } from './filters.js';
import { createIngest, type IngestBatch, isRecord, type JsonRecord } from './ingest-events.js';
import { pixelHandler } from './pixel.js';
import type { RequestLimits } from './request-limits.js';
import { senderOf } from './sender.js';
import { MAX_DEPTH, tooDeep } from './validate.js';

/** The short paths Segment's analytics.js posts to when its apiHost points here. */
const SHORT_PATHS: Record<string, EventType | 'batch'> = {
  t: 'track',
  p: 'page',
  i: 'identify',
  a: 'alias',
  g: 'group',
  s: 'screen',
  b: 'batch',
};

/**
 * The batch-level context goes into every event: one too deep or too large for an event is
 * refused with the request. Event by event, a 490 KB context made 2,000 rejections, each
 * measured, and kept in failed_events (1 GB written), and a deep one cost seconds of
 * stringify each time.
 */
function checkBatchContext(context: JsonRecord, bytes: number) {
  // Inside an event, the context is one level down.
  if (tooDeep(context, MAX_DEPTH - 1)) {
    throw new ApiError(
      400,
      'context_too_deep',
      `Batch context nests deeper than ${MAX_DEPTH - 1} levels, the limit inside an event`,
    );
  }
  if (bytes > MAX_EVENT_BYTES && Buffer.byteLength(JSON.stringify(context)) > MAX_EVENT_BYTES) {
    throw new ApiError(
      413,
      'context_too_large',
      `Batch context exceeds ${MAX_EVENT_BYTES} bytes, the limit of each event it goes into`,
    );
  }
  return context;
}

function batchOf(body: unknown, single: string | undefined, bytes: number): IngestBatch {
  if (!isRecord(body)) throw new ApiError(400, 'invalid_body', 'Body must be a JSON object');
  if (single) return { raws: [{ ...body, type: single }], measure: false };
  if (!Array.isArray(body.batch))
    throw new ApiError(400, 'invalid_batch', 'Body must have a batch array');
  if (body.batch.length > MAX_BATCH_EVENTS) {
    throw new ApiError(413, 'too_many_events', `A batch holds at most ${MAX_BATCH_EVENTS} events`);
  }
  return {
    raws: body.batch,
    context: isRecord(body.context) ? checkBatchContext(body.context, bytes) : undefined,
    sentAt:
      typeof body.sentAt === 'string' || typeof body.sentAt === 'number' ? body.sentAt : undefined,
    measure: bytes > MAX_EVENT_BYTES,
  };
}

/** Segment's HTTP API: parse → auth → origin → rate limit → validate → filter → enrich → write. */
export function ingestRoutes(deps: AppDeps, { limitIp, limitSource }: RequestLimits) {
  const { sources, metrics, suppressions } = deps;
  const app = new Hono();
  const ingestEvents = createIngest(deps);
  const refused = metrics.counter(
    'segmently_requests_refused_total',
    'Ingest requests refused as a whole, by code',
  );

  /** Refused requests are counted by code, whichever step refused them. */
  const counted =
    (handler: (c: Context) => Promise<Response>) =>
    async (c: Context): Promise<Response> => {
      try {
        return await handler(c);
      } catch (err) {
        if (err instanceof ApiError) refused.inc({ code: err.code });
        throw err;
      }
    };

  /** The one ingest path, whatever carried the body (a POST or the pixel's query string). */
  async function ingestBody(
    c: Context,
    ip: string | undefined,
    body: unknown,
    bytes: number,
    single?: string,
    fromBrowser?: boolean,
  ) {
    const source = await authenticateSource(c, body, sources);
    checkOrigin(c, source);
    const batch = batchOf(body, single, bytes);
    limitSource(source.id, batch.raws.length);
    const request: IngestRequest = {
      ...senderOf((name) => c.req.header(name), fromBrowser),
      source,
      ipTruncated: truncateIp(ip),
      suppressions,
    };
    return c.json(await ingestEvents(batch, request));
  }

  const post = (single?: EventType) =>
    counted(async (c) => {
      const ip = limitIp(c);
      const { json, bytes } = await readJsonBody(c, single ? MAX_EVENT_BYTES : MAX_BATCH_BYTES);
      return ingestBody(c, ip, json, bytes, single);
    });

  app.use('/v1/*', ingestCors(sources));
  app.post('/v1/batch', post());
  for (const type of EVENT_TYPES) app.post(`/v1/${type}`, post(type));
  for (const [path, type] of Object.entries(SHORT_PATHS)) {
    app.post(`/v1/${path}`, post(type === 'batch' ? undefined : type));
  }
  // An image request carries no Origin, but only browsers load pixels.
  const pixelIngest = (c: Context, body: unknown, single?: string) =>
    counted((c) => ingestBody(c, limitIp(c), body, 0, single, true))(c);
  app.get(PIXEL_PATH, pixelHandler(pixelIngest, deps));
  return app;
}
