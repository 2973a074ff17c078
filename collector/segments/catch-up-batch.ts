import type { Client } from '@libsql/client';
import { CONTEXT_FACTS_SQL, contextFactsOf } from './context-facts.js';
import { FACT_NAME_SQL, SEGMENTABLE_SQL } from './facts.js';
import {
  addEvent,
  type Coverage,
  keepsProps,
  type Summary,
  SummaryEvent,
  US,
} from './profile-facts.js';

/** One event past the watermark, with everything a summary and identity linking need. */
export interface BatchEvent {
  seq: number;
  userId: string | null;
  anonymousId: string | null;
  previousId: string | null;
  type: string;
  name: string;
  ts: number;
  /** Properties JSON ('' none); the summary keeps it only for names some rule filters on. */
  props: string;
  /** Identify traits JSON ('' none). */
  traits: string;
  /** CONTEXT_FACTS_SQL selection. */
  context: string;
}

const FIELDS = 11;

/**
 * The next events past `after` in seq order, at most `limit`, by source. Packed into one
 * string like load-facts.ts (reading 5000 rows one by one through the driver cost more
 * main-thread time than evaluating them); ids are never empty, so '' stands for NULL.
 * Events that may not feed segments are left out, but still count and move `last` on.
 */
export async function readBatch(client: Client, after: number, limit: number) {
  const r = await client.execute({
    sql: `SELECT group_concat(concat(seq, x'1f', source_id, x'1f', user_id, x'1f', anonymous_id,
        x'1f', previous_id, x'1f', type, x'1f', ${FACT_NAME_SQL}, x'1f', timestamp, x'1f',
        properties, x'1f', CASE WHEN type = 'identify' THEN traits END, x'1f',
        ${CONTEXT_FACTS_SQL}, x'1f'), '') FILTER (WHERE ${SEGMENTABLE_SQL}), max(seq), count(*)
      FROM (SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ${limit})`,
    args: [after],
  });
  const count = Number(r.rows[0]?.[2] ?? 0);
  const bySource = new Map<string, BatchEvent[]>();
  const packed = r.rows[0]?.[0];
  const f = typeof packed === 'string' ? packed.split(US) : [];
  for (let i = 0; i + FIELDS <= f.length; i += FIELDS) {
    const sourceId = f[i + 1] as string;
    const list = bySource.get(sourceId) ?? [];
    if (list.length === 0) bySource.set(sourceId, list);
    list.push({
      seq: Number(f[i]),
      userId: f[i + 2] || null,
      anonymousId: f[i + 3] || null,
      previousId: f[i + 4] || null,
      type: f[i + 5] as string,
      name: f[i + 6] as string,
      ts: Number(f[i + 7]),
      props: f[i + 8] as string,
      traits: f[i + 9] as string,
      context: f[i + 10] as string,
    });
  }
  return { count, last: Number(r.rows[0]?.[1] ?? after), bySource };
}

/** Appends a profile's batch events to its summary, keeping what `coverage` says. */
export function appendEvents(s: Summary, events: BatchEvent[], coverage: Coverage) {
  for (const e of events) {
    const props = e.props && keepsProps(coverage, e.name) ? e.props : '';
    const traits = coverage.traits ? e.traits : '';
    addEvent(s, new SummaryEvent(e.name, e.ts, props, traits), e.seq, contextFactsOf(e.context));
  }
}
