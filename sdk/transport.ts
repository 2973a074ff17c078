import type { WireEvent } from '../shared/wire.js';

export interface SendResult {
  /** The collector acknowledged (committed or rejected for good) every event sent. */
  acked: boolean;
  /** Milliseconds the collector asked us to wait (429 / 503 Retry-After). */
  retryAfter?: number;
}

/**
 * Posts a batch as text/plain with the write key in the body: a CORS-simple request, so the
 * browser sends no preflight and sendBeacon can carry the same body.
 */
export function batchBody(writeKey: string, batch: WireEvent[]): string {
  return JSON.stringify({ writeKey, sentAt: new Date().toISOString(), batch });
}

export async function postBatch(
  endpoint: string,
  body: string,
  keepalive = false,
): Promise<SendResult> {
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      body,
      keepalive,
      credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' },
    });
    if (res.ok) return { acked: true };
    const retryAfter = Number(res.headers.get('Retry-After')) * 1000 || undefined;
    // A 4xx other than 408/429 will not get better by retrying: the collector keeps the
    // rejected payload in its failed-events table, so dropping it here loses nothing.
    const permanent =
      res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    return { acked: permanent, retryAfter };
  } catch {
    return { acked: false };
  }
}

/** Splits events into request bodies that each fit in `maxBytes` (UTF-8). */
export function bodiesWithin(writeKey: string, events: WireEvent[], maxBytes: number): string[] {
  const encoder = new TextEncoder();
  const envelope = encoder.encode(batchBody(writeKey, [])).length;
  const bodies: string[] = [];
  let chunk: WireEvent[] = [];
  let size = envelope;
  for (const event of events) {
    const bytes = encoder.encode(JSON.stringify(event)).length + 1;
    if (chunk.length && size + bytes > maxBytes) {
      bodies.push(batchBody(writeKey, chunk));
      chunk = [];
      size = envelope;
    }
    chunk.push(event);
    size += bytes;
  }
  if (chunk.length) bodies.push(batchBody(writeKey, chunk));
  return bodies;
}

/** Last-chance send as the page goes away: sendBeacon, or a keepalive fetch without it. */
export function sendOnUnload(endpoint: string, body: string): void {
  const beacon = navigator.sendBeacon?.(endpoint, new Blob([body], { type: 'text/plain' }));
  if (!beacon) void postBatch(endpoint, body, true);
}
