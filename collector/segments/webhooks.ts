import { createHmac } from 'node:crypto';
import type { Client } from '@libsql/client';
import type { Logger } from '../log.js';
import { postJson } from './webhook-post.js';
import {
  guardedLookup,
  staticRefusal,
  WEBHOOK_URL_NOT_ALLOWED,
  WebhookUrlRefused,
} from './webhook-url-guard.js';

/**
 * Why a pending delivery was cancelled unsent (its `last_error`): it was meant for a URL the
 * segment no longer has.
 */
export const CANCELLED_BECAUSE = {
  removed: 'webhook_url_removed: cancelled, the segment has no webhook URL any more',
  changed: "webhook_url_changed: cancelled, the segment's webhook URL changed",
};

export const SIGNATURE_HEADER = 'X-Segmently-Signature';
export const TIMESTAMP_HEADER = 'X-Segmently-Timestamp';

/** HMAC-SHA256 of `<timestamp>.<body>` with the segment's webhook secret, hex. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * A 4xx answer is the receiver refusing this request, which a retry would send unchanged;
 * 408 (timeout) and 429 (rate limit) are the exceptions, meant to be retried.
 */
export const isPermanentRefusal = (status: number | null) =>
  status !== null && status >= 400 && status <= 499 && status !== 408 && status !== 429;

/** Exponential backoff: base, 2×, 4×, … capped at one hour. */
export function retryDelay(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

export interface WebhookOptions {
  client: Client;
  now: () => number;
  log: Logger;
  baseDelayMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  /** WEBHOOK_ALLOW_PRIVATE: deliver to http and to loopback/private addresses too. */
  allowPrivate?: boolean;
}

/** A receiver as logs name it: its path, query or user info may hold the receiver's secret. */
const originOf = (url: string) => (URL.canParse(url) ? new URL(url).origin : 'invalid URL');

/**
 * Sends due enter/exit deliveries; failures are retried with backoff, then marked failed (at
 * once for a 4xx other than 408 and 429).
 * A URL the guard refuses (webhook-url-guard.ts, checked again here because DNS changes) is
 * never contacted: the delivery is logged as `refused`, with the reason, and not retried.
 * A due delivery that can no longer be sent is settled, never left pending: `cancelled` when
 * its segment has no URL any more, deleted when its segment is gone (with its log).
 */
export function createWebhookSender(opts: WebhookOptions) {
  const { client, now, log } = opts;
  const baseDelayMs = opts.baseDelayMs ?? 5000;
  const maxAttempts = opts.maxAttempts ?? 8;
  const allowPrivate = opts.allowPrivate ?? false;
  let running: Promise<number> | undefined;
  let stopped = false;

  async function attempt(id: number, url: string, secret: string, body: string, attempts: number) {
    const timestamp = String(Math.floor(now() / 1000));
    let status: number | null = null;
    let error: string | null = null;
    let refused = false;
    try {
      const refusal = staticRefusal(url, allowPrivate);
      if (refusal) throw refusal;
      status = await postJson(url, body, {
        headers: {
          'Content-Type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
          [TIMESTAMP_HEADER]: timestamp,
        },
        timeoutMs: opts.timeoutMs ?? 5000,
        lookup: allowPrivate ? undefined : guardedLookup,
      });
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (err) {
      refused = err instanceof WebhookUrlRefused;
      error = err instanceof Error ? err.message : String(err);
      if (refused) error = `${WEBHOOK_URL_NOT_ALLOWED}: ${error}`;
    }
    const tries = attempts + 1;
    const at = now();
    let outcome = 'delivered';
    if (refused) outcome = 'refused';
    else if (error)
      outcome = tries >= maxAttempts || isPermanentRefusal(status) ? 'failed' : 'pending';
    if (error)
      log(`webhook delivery ${outcome}`, { id, url: originOf(url), error, attempts: tries });
    await client.execute({
      sql: `UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status = ?, last_error = ?,
        delivered_at = ?, next_attempt_at = ? WHERE id = ?`,
      args: [
        outcome,
        tries,
        status,
        error,
        outcome === 'delivered' ? at : null,
        outcome === 'pending' ? at + retryDelay(tries, baseDelayMs) : null,
        id,
      ],
    });
  }

  /**
   * Deleting a segment deletes its deliveries (and their log): any found here were missed (a
   * stop in between) and go too. A removed URL cancels its deliveries on save; any found here
   * were queued by a flip evaluated with the old URL and are cancelled the same way.
   */
  async function settleUnsendable(id: number, segmentGone: boolean) {
    await client.execute(
      segmentGone
        ? { sql: 'DELETE FROM webhook_deliveries WHERE id = ?', args: [id] }
        : {
            sql: `UPDATE webhook_deliveries SET status = 'cancelled', last_error = ?,
              next_attempt_at = NULL WHERE id = ?`,
            args: [CANCELLED_BECAUSE.removed, id],
          },
    );
  }

  async function deliverDue(): Promise<number> {
    const due = await client.execute({
      sql: `SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 50`,
      args: [now()],
    });
    for (const id of due.rows.map((r) => Number(r.id))) {
      if (stopped) break;
      // Each read just before it is sent: the ones before it may take their timeout each, and
      // meanwhile an erasure may have deleted it (its person must no longer be sent anywhere).
      const r = await client.execute({
        sql: `SELECT d.payload, d.attempts, s.id AS segment_id, s.webhook_url, s.webhook_secret
          FROM webhook_deliveries d LEFT JOIN segments s ON s.id = d.segment_id
          WHERE d.id = ? AND d.status = 'pending'`,
        args: [id],
      });
      const row = r.rows[0];
      if (!row) continue;
      if (!row.webhook_url) {
        await settleUnsendable(id, row.segment_id === null);
        continue;
      }
      await attempt(
        id,
        String(row.webhook_url),
        String(row.webhook_secret ?? ''),
        String(row.payload),
        Number(row.attempts),
      );
    }
    return due.rows.length;
  }

  return {
    /** One pass over due deliveries (concurrent calls share the pass). */
    deliverDue(): Promise<number> {
      if (stopped) return Promise.resolve(0);
      running ??= deliverDue().finally(() => {
        running = undefined;
      });
      return running;
    },
    /**
     * Starts no more deliveries and waits for the one being sent to be recorded: cut off, a
     * delivery the receiver took stays pending and goes out again after a restart. A pass that
     * fails is its caller's to report.
     */
    async stop(): Promise<void> {
      stopped = true;
      await running?.catch(() => {});
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
