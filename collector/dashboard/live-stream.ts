import type { Client } from '@libsql/client';
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { Logger } from '../log.js';
import { eventsAfter, failedEvents } from '../reports/live.js';

const POLL_MS = 1000;
/** A stream ends after ~5 minutes of polls; EventSource reconnects with Last-Event-ID. */
const MAX_POLLS = 300;
const BATCH = 200;

/** `<events seq>.<failed id>`: where a stream resumes. */
export const formatCursor = (c: { seq: number; failed: number }) => `${c.seq}.${c.failed}`;
export function parseCursor(value: string | undefined) {
  const m = /^(\d+)\.(\d+)$/.exec(value ?? '');
  return m ? { seq: Number(m[1]), failed: Number(m[2]) } : undefined;
}

/**
 * Server-sent events of newly stored events (`event`) and newly failed ones (`failed`),
 * polling the store so the dashboard stays a reader of it, never a hook into ingestion.
 * A failure ends the stream through the one logger (Hono's default is console.error); the
 * browser's EventSource reconnects from the last id.
 */
export function liveStream(
  c: Context,
  client: Client,
  opts: {
    sourceId?: string;
    start: { seq: number; failed: number };
    log: Logger;
    /** Whether the session that opened the stream is still signed in (asked before each poll). */
    signedIn: () => Promise<boolean>;
  },
) {
  return streamSSE(c, async (stream) => {
    try {
      await pump(stream);
    } catch (err) {
      opts.log('live stream failed', { error: String((err as Error)?.stack ?? err) });
    }
  });

  async function pump(stream: SSEStreamingApi) {
    let aborted = false;
    stream.onAbort(() => {
      aborted = true;
    });
    const cursor = { ...opts.start };
    const send = async (event: 'event' | 'failed', data: object) =>
      stream.writeSSE({ event, data: JSON.stringify(data), id: formatCursor(cursor) });
    await stream.writeSSE({ event: 'ready', data: '{}', id: formatCursor(cursor) });
    const { sourceId } = opts;
    for (let poll = 0; !aborted && poll < MAX_POLLS; poll++) {
      // Signed out or expired meanwhile: EventSource's reconnect then meets the login.
      if (!(await opts.signedIn())) return;
      const events = await eventsAfter(client, { sourceId, afterSeq: cursor.seq, limit: BATCH });
      for (const e of events) {
        cursor.seq = e.seq;
        await send('event', e);
      }
      const failed = await failedEvents(client, { sourceId, afterId: cursor.failed, limit: BATCH });
      for (const f of failed) {
        cursor.failed = f.id;
        await send('failed', f);
      }
      if (events.length < BATCH && failed.length < BATCH) await stream.sleep(POLL_MS);
    }
  }
}
