import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { PIXEL_MAX_PARAM } from '../../shared/pixel.js';
import type { AppDeps } from '../deps.js';
import { ApiError, stackOf } from '../errors.js';
import { parseJsonText } from './body.js';
import { isRecord, type JsonRecord } from './ingest-events.js';

/** The smallest transparent 1×1 GIF (43 bytes). */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

type Ingest = (c: Context, body: unknown, single?: string) => Promise<unknown>;

/** `d` is base64url of UTF-8 JSON: a /v1/batch body, or one event with `writeKey` in it. */
export function decodePixelData(d: string | undefined): JsonRecord {
  if (!d) throw new ApiError(400, 'missing_data', 'Pass the payload as ?d=<base64url JSON>');
  if (d.length > PIXEL_MAX_PARAM)
    throw new ApiError(413, 'payload_too_large', `d exceeds ${PIXEL_MAX_PARAM} characters`);
  let body: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(d, 'base64url'));
    body = parseJsonText(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'd is not base64url of UTF-8 JSON');
  }
  if (!isRecord(body)) throw new ApiError(400, 'invalid_body', 'd must hold a JSON object');
  return body;
}

/**
 * A single event from a `<noscript>` image knows nothing of its page or visitor: fills
 * `context.page` from Referer and `context.userAgent` from User-Agent unless set, and gives
 * an event without ids a random anonymousId (a no-JS visit cannot be linked to others, and
 * we do not fingerprint to try).
 */
function withRequestContext(event: JsonRecord, c: Context): JsonRecord {
  const context: JsonRecord = isRecord(event.context) ? { ...event.context } : {};
  const referer = c.req.header('Referer');
  if (!context.page && referer) {
    try {
      const { href, pathname, search } = new URL(referer);
      context.page = { url: href, path: pathname, search };
    } catch {}
  }
  context.userAgent ??= c.req.header('User-Agent');
  const anonymous = (event.anonymousId ?? event.userId) ? {} : { anonymousId: randomUUID() };
  return { ...event, ...anonymous, context };
}

/**
 * Failures that pass: the SDK's pixel transport sends again when the image fails to load, and,
 * seeing no status, it cannot tell a lasting failure, which would block its queue.
 */
const retryable = (e: unknown): e is ApiError =>
  e instanceof ApiError && (e.status === 429 || e.status === 503);

/**
 * `GET /v1/p.gif?d=…`: ingests through the same path as POST /v1/batch and answers a 1×1
 * GIF, also when the payload was refused (an image cannot show an error, and sending it again
 * would not help; failures are counted instead). Only a passing refusal (rate limit, shutdown)
 * answers without an image, with its status: the image then fails to load, and the SDK keeps
 * the events to send again.
 */
export function pixelHandler(ingest: Ingest, { metrics, log }: Pick<AppDeps, 'metrics' | 'log'>) {
  const failures = metrics.counter(
    'segmently_pixel_failures_total',
    'Pixel requests whose payload was not ingested, by code',
  );
  return async (c: Context) => {
    try {
      const body = decodePixelData(c.req.query('d'));
      if (Array.isArray(body.batch)) await ingest(c, body);
      else await ingest(c, withRequestContext(body, c), String(body.type));
    } catch (e) {
      failures.inc({ code: e instanceof ApiError ? e.code : 'internal_error' });
      const cause = e instanceof ApiError ? e.cause : e;
      if (cause) log('pixel ingest failed', { error: stackOf(cause) });
      if (retryable(e)) {
        return c.body(null, e.status, { 'Cache-Control': 'no-store, max-age=0', ...e.headers });
      }
    }
    return c.body(GIF, 200, {
      'Content-Type': 'image/gif',
      'Cache-Control': 'no-store, max-age=0',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
  };
}
