import type { Client, InStatement } from '@libsql/client';
import { getTableColumns } from 'drizzle-orm';
import { events as eventsTable } from '../db/schema.js';
import type { CommitRows, ConsentRow, EventRow, FailedRow } from './writer.js';

const EVENT_COLUMNS = `source_id, message_id, type, event, anonymous_id, user_id, previous_id,
  group_id, timestamp, received_at, properties, traits, context, device_type, os, browser,
  locale, ip_truncated`;
const FAILED_COLUMNS = 'source_id, received_at, code, message, payload';
const CONSENT_COLUMNS = `id, source_id, anonymous_id, user_id, categories, revision,
  decision_source, policy_version, language, gpc, user_agent, ip_truncated, given_at,
  expires_at, received_at`;
const params = (n: number) => Array(n).fill('?').join(', ');
/** Values per events row, typed as EventRow's length: a column added there won't compile here. */
export const EVENT_ROW_VALUES: EventRow['length'] = 18;
const FAILED_ROW_VALUES: FailedRow['length'] = 5;
const CONSENT_ROW_VALUES: ConsentRow['length'] = 15;
const EVENT_VALUES = `(${params(EVENT_ROW_VALUES)})`;

/** One row per statement, for a connection that keeps its statements prepared. */
export const INSERT_EVENT_ROW = `INSERT OR IGNORE INTO events (${EVENT_COLUMNS}) VALUES ${EVENT_VALUES}`;
/**
 * `rows` rows per statement, prepared once: binding one statement of 16 rows costs less than
 * 16 statements (each also reads and writes the AUTOINCREMENT counter).
 */
export const insertEventRows = (rows: number) =>
  `INSERT OR IGNORE INTO events (${EVENT_COLUMNS}) VALUES ${Array(rows).fill(EVENT_VALUES).join(', ')}`;
export const INSERT_FAILED_ROW = `INSERT INTO failed_events (${FAILED_COLUMNS}) VALUES (${params(FAILED_ROW_VALUES)})`;
/**
 * A decision re-sent is stored once. Not OR IGNORE, which would also skip a row lacking a NOT
 * NULL value silently (few consent rows: the upsert's extra lookup costs nothing here).
 */
const CONSENT_ONCE = 'ON CONFLICT (source_id, id, given_at) DO NOTHING';
export const INSERT_CONSENT_ROW = `INSERT INTO consent_records (${CONSENT_COLUMNS}) VALUES (${params(CONSENT_ROW_VALUES)}) ${CONSENT_ONCE}`;

const col = (i: number) => `value->>${i}`;
const cols = (n: number) => Array.from({ length: n }, (_, i) => col(i)).join(', ');
/** Many rows per statement (a JSON array of rows), for a client that re-prepares each one. */
const INSERT_EVENTS = `INSERT OR IGNORE INTO events (${EVENT_COLUMNS}) SELECT ${cols(EVENT_ROW_VALUES)} FROM json_each(?)`;
const INSERT_FAILED = `INSERT INTO failed_events (${FAILED_COLUMNS}) SELECT ${cols(FAILED_ROW_VALUES)} FROM json_each(?)`;
// `WHERE true` tells SQLite's parser that ON CONFLICT starts the upsert, not a join's.
const INSERT_CONSENT = `INSERT INTO consent_records (${CONSENT_COLUMNS}) SELECT ${cols(CONSENT_ROW_VALUES)} FROM json_each(?) WHERE true ${CONSENT_ONCE}`;

const NOT_NULL = new Set(
  Object.values(getTableColumns(eventsTable)).flatMap((c) => (c.notNull ? [c.name] : [])),
);
/** EventRow positions of the events columns declared NOT NULL, with their names. */
const REQUIRED = EVENT_COLUMNS.split(',')
  .map((name, i): [number, string] => [i, name.trim()])
  .filter(([, name]) => NOT_NULL.has(name));

/**
 * Throws for rows lacking a NOT NULL value (the types rule them out; a bug could still make
 * one). The inserts skip a repeated messageId with OR IGNORE, which would skip such a row
 * silently too and acknowledge its request. (ON CONFLICT on the messageId key would fail it
 * instead, but its extra index lookup cost 13% of the storage path's rows/s.)
 */
export function checkRequiredValues(rows: EventRow[]) {
  for (const row of rows) {
    for (const [i, name] of REQUIRED) {
      if (row[i] == null) throw new Error(`NOT NULL constraint failed: events.${name}`);
    }
  }
}

/** Rows per statement: one statement per ~2,000 rows was fastest (each execute re-prepares). */
const CHUNK = 2000;

function statements(events: EventRow[], failed: FailedRow[], consent: ConsentRow[]): InStatement[] {
  const stmts: InStatement[] = [];
  for (let i = 0; i < events.length; i += CHUNK) {
    stmts.push({ sql: INSERT_EVENTS, args: [JSON.stringify(events.slice(i, i + CHUNK))] });
  }
  if (failed.length) stmts.push({ sql: INSERT_FAILED, args: [JSON.stringify(failed)] });
  if (consent.length) stmts.push({ sql: INSERT_CONSENT, args: [JSON.stringify(consent)] });
  return stmts;
}

/** Commits on the client's own connection (remote databases, tests). */
export const commitOnClient =
  (client: Client): CommitRows =>
  async (events, failed, consent) => {
    checkRequiredValues(events);
    const stmts = statements(events, failed, consent);
    // One statement is atomic on its own: skipping BEGIN/COMMIT saves two round trips.
    if (stmts.length === 1) await client.execute(stmts[0] as InStatement);
    else await client.batch(stmts, 'write');
  };
