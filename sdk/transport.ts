import { KEEPALIVE_BYTES, MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from '../shared/limits.js';
import { PIXEL_JSON_BYTES, PIXEL_PATH } from '../shared/pixel.js';
import type { WireEvent } from '../shared/wire.js';
import { utf8 } from './bytes.js';

export interface SendResult {
  /** The collector acknowledged (committed or rejected for good) every event sent. */
  acked: boolean;
  /** Milliseconds the collector asked us to wait (429 / 503 Retry-After). */
  retryAfter?: number;
  /** Set when the collector answered with a retryable error (not a network failure). */
  status?: number;
  /** Refused as a whole for good (bad write key or origin, too large): nothing was stored. */
  refused?: boolean;
}

/**
 * A batch's body, with the write key inside: posted as text/plain (a CORS-simple request),
 * so the browser sends no preflight and sendBeacon can carry the same body.
 */
export function batchBody(writeKey: string, batch: WireEvent[]): string {
  return JSON.stringify({ writeKey, sentAt: new Date().toISOString(), batch });
}

const byteLength = (s: string) => utf8(s).length;
const batchUrl = (apiHost: string) => `${apiHost}/v1/batch`;
/** Browsers without fetch send through the pixel, whose URL limits a request's size. */
const viaPixel = () => typeof fetch !== 'function';

/** Splits events, in order, into batches of at most `maxCount` whose body fits `maxBytes`. */
export function chunkEvents(
  events: WireEvent[],
  maxCount: number,
  maxBytes: number,
): WireEvent[][] {
  const envelope = byteLength(batchBody('', [])) + 64;
  const chunks: WireEvent[][] = [];
  let chunk: WireEvent[] = [];
  let size = envelope;
  for (const event of events) {
    const bytes = byteLength(JSON.stringify(event)) + 1;
    if (chunk.length && (size + bytes > maxBytes || chunk.length >= maxCount)) {
      chunks.push(chunk);
      chunk = [];
      size = envelope;
    }
    chunk.push(event);
    size += bytes;
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}

/** A CORS-simple POST (text/plain, no credentials); never rejects. */
export async function postText(
  endpoint: string,
  body: string,
  keepalive?: boolean,
): Promise<SendResult> {
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      body,
      keepalive,
      credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' },
      // A hung request would hold the flush lock, and with it every tab's queue.
      signal: AbortSignal.timeout?.(30_000),
    });
    if (res.ok) return { acked: true };
    const retryAfter = Number(res.headers.get('Retry-After')) * 1000 || undefined;
    // A 4xx other than 408/429 will not get better by retrying: the batch is dropped, and
    // counted (a refused request leaves nothing on the collector).
    const permanent =
      res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    return { acked: permanent, refused: permanent, retryAfter, status: res.status };
  } catch {
    return { acked: false };
  }
}

/** The pixel URL carrying `body` as base64url (UTF-8 safe). */
export function pixelUrl(apiHost: string, body: string): string {
  let binary = '';
  for (const byte of utf8(body)) binary += String.fromCharCode(byte);
  const d = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${apiHost}${PIXEL_PATH}?d=${d}`;
}

/** For browsers without fetch: the collector answers every pixel with a GIF once ingested. */
function sendPixel(apiHost: string, body: string): Promise<SendResult> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve({ acked: true });
    img.onerror = () => resolve({ acked: false });
    img.src = pixelUrl(apiHost, body);
  });
}

/** Last-chance send as the page goes away: sendBeacon, a keepalive fetch, or a pixel. */
function sendOnUnload(apiHost: string, body: string): void {
  if (navigator.sendBeacon?.(batchUrl(apiHost), new Blob([body], { type: 'text/plain' }))) return;
  if (viaPixel()) void sendPixel(apiHost, body);
  else void postText(batchUrl(apiHost), body, true);
}

/** Body bytes per batch request, for the queue's chunking. */
export const maxBatchBytes = (): number => (viaPixel() ? PIXEL_JSON_BYTES : MAX_BATCH_BYTES);

export function sendBatch(
  apiHost: string,
  writeKey: string,
  batch: WireEvent[],
): Promise<SendResult> {
  const body = batchBody(writeKey, batch);
  return viaPixel() ? sendPixel(apiHost, body) : postText(batchUrl(apiHost), body);
}

/**
 * As the page goes away (pagehide, or hidden: mobile browsers may never fire pagehide), sends
 * what `take` hands over, in bodies small enough for keepalive or the pixel.
 */
export function sendOnPageExit(apiHost: string, writeKey: string, take: () => WireEvent[]): void {
  const send = () => {
    const max = viaPixel() ? PIXEL_JSON_BYTES : KEEPALIVE_BYTES;
    for (const chunk of chunkEvents(take(), MAX_BATCH_EVENTS, max))
      sendOnUnload(apiHost, batchBody(writeKey, chunk));
  };
  addEventListener('pagehide', send);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') send();
  });
}
