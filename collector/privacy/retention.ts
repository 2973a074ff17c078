import type { Client } from '@libsql/client';
import type { Logger } from '../log.js';

const DAY_MS = 86_400_000;
/** Rows per DELETE: large deletes would block the event loop (libsql runs synchronously). */
const SLICE = 5_000;

const yieldToRequests = () => new Promise((resolve) => setImmediate(resolve));

/** Runs `sql`, a DELETE whose last parameter is a LIMIT, until fewer than a slice go. */
export async function deleteInSlices(client: Client, sql: string, args: (string | number)[]) {
  let total = 0;
  for (;;) {
    const { rowsAffected } = await client.execute({ sql, args: [...args, SLICE] });
    total += rowsAffected;
    if (rowsAffected < SLICE) return total;
    await yieldToRequests();
  }
}

/** A later decision of the same visitor, as the readers order them (given_at, then seq). */
const newerFor = (column: 'id' | 'anonymous_id' | 'user_id') =>
  `EXISTS (SELECT 1 FROM consent_records n WHERE n.source_id = c.source_id AND n.${column} = c.${column}
    AND (n.given_at > c.given_at OR (n.given_at = c.given_at AND n.seq > c.seq)))`;

/**
 * Consent decisions received before the cutoff, except the latest one of each anonymous id
 * and of each user id: it proves the visitor's current choice for as long as they are around.
 * Not when it expired (it proves no current choice), nor when a later decision of its browser
 * (same record id; the SDK sends a refusal without the anonymous id) replaced it. A record
 * naming neither id proves nothing about anyone and ages like the rest.
 */
const OLD_CONSENT = `DELETE FROM consent_records WHERE seq IN (SELECT seq FROM consent_records c
  WHERE source_id = ?1 AND received_at < ?2 AND (
    expires_at <= ?3 OR ${newerFor('id')} OR (
      (anonymous_id IS NULL OR ${newerFor('anonymous_id')})
      AND (user_id IS NULL OR ${newerFor('user_id')})))
  LIMIT ?4)`;

/**
 * Data derived from events that must age with them (the segment engine's facts summaries,
 * membership history, webhook delivery log), by name: prunes one source's derived rows older than `cutoff`, returns how many changed.
 */
export type DerivedPruners = Record<string, (sourceId: string, cutoff: number) => Promise<number>>;

/**
 * Deletes events, rejected payloads, superseded consent records and data derived from events
 * older than each source's `retentionDays`. A source that fails is left for the next run once
 * the others are done, and the run then rejects with its error.
 */
export async function runRetention(client: Client, now: number, derived: DerivedPruners = {}) {
  const { rows } = await client.execute('SELECT id, retention_days FROM sources');
  let events = 0;
  let failedEvents = 0;
  let consentRecords = 0;
  const pruned: Record<string, number> = Object.fromEntries(
    Object.keys(derived).map((k) => [k, 0]),
  );
  // One source failing (a pruner's thread gone) must not keep the others' data past its time.
  let failure: unknown;
  for (const source of rows) {
    const cutoff = now - Number(source.retention_days) * DAY_MS;
    const id = String(source.id);
    try {
      events += await deleteInSlices(
        client,
        `DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE source_id = ? AND timestamp < ? LIMIT ?)`,
        [id, cutoff],
      );
      failedEvents += await deleteInSlices(
        client,
        `DELETE FROM failed_events WHERE id IN (SELECT id FROM failed_events WHERE source_id = ? AND received_at < ? LIMIT ?)`,
        [id, cutoff],
      );
      consentRecords += await deleteInSlices(client, OLD_CONSENT, [id, cutoff, now]);
      for (const [name, prune] of Object.entries(derived)) {
        pruned[name] = (pruned[name] ?? 0) + (await prune(id, cutoff));
      }
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure) throw failure;
  return { events, failedEvents, consentRecords, ...pruned };
}

/**
 * Runs the retention job soon after start and then every `intervalMs`, one run at a time;
 * returns a stop function that resolves once a run in flight is done (the database and the
 * segment engine it prunes through are closed after it).
 */
export function scheduleRetention(
  client: Client,
  now: () => number,
  intervalMs: number,
  log: Logger,
  derived: DerivedPruners = {},
) {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= runRetention(client, now(), derived)
      .then(
        (deleted) => log('retention run', deleted),
        (err: unknown) => log('retention failed', { error: String(err) }),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(run, 10_000).unref();
  const every = setInterval(run, intervalMs).unref();
  return async () => {
    clearTimeout(first);
    clearInterval(every);
    await running;
  };
}
