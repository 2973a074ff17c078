import type { Client, InValue } from '@libsql/client';
import { EVENT_COLUMNS, type EventItem, toEventItem } from './live.js';
import { num } from './scope.js';

export interface Profile {
  /** The id that was looked up. */
  id: string;
  anonymousIds: string[];
  userIds: string[];
  /** Sources this profile has events in, most recent first. */
  sourceIds: string[];
  /** Traits from identify events, later ones overriding earlier ones. */
  traits: Record<string, unknown>;
  consent: {
    basis: 'record' | 'event';
    /** Granted categories; none once the record expired. */
    categories: Record<string, boolean>;
    at: number;
    decisionSource?: string;
    expiredAt?: number;
  } | null;
  firstSeen: number;
  lastSeen: number;
  eventCount: number;
  events: EventItem[];
}

const MAX_IDS = 100;
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

async function column(client: Client, sql: string, args: InValue[]) {
  const r = await client.execute({ sql, args });
  return r.rows.map((row) => String(row[0]));
}

/**
 * Everything known about one visitor or user: the id is looked up as both an anonymous
 * and a user id, and one identify hop links the two (the anonymous ids a user was seen
 * with, and the user ids an anonymous id identified as).
 */
export async function profileReport(
  client: Client,
  id: string,
  opts: { sourceId?: string; limit?: number; now: number },
): Promise<Profile | undefined> {
  const src = opts.sourceId ? ' AND source_id = ?' : '';
  const srcArgs = opts.sourceId ? [opts.sourceId] : [];
  const userIds = await column(
    client,
    `SELECT DISTINCT user_id FROM events WHERE (user_id = ? OR anonymous_id = ?) AND user_id IS NOT NULL${src} LIMIT ${MAX_IDS}`,
    [id, id, ...srcArgs],
  );
  const anonymousIds = await column(
    client,
    `SELECT DISTINCT anonymous_id FROM events WHERE (anonymous_id = ? OR user_id IN (${placeholders(userIds.length + 1)})) AND anonymous_id IS NOT NULL${src} LIMIT ${MAX_IDS}`,
    [id, id, ...userIds, ...srcArgs],
  );
  if (userIds.length === 0 && anonymousIds.length === 0) return undefined;

  const who = `(anonymous_id IN (${placeholders(anonymousIds.length + 1)}) OR user_id IN (${placeholders(userIds.length + 1)}))${src}`;
  // A leading NULL keeps each IN list non-empty and matches nothing.
  const whoArgs: InValue[] = [null, ...anonymousIds, null, ...userIds, ...srcArgs];

  const stats = (
    await client.execute({
      sql: `SELECT min(timestamp) AS first, max(timestamp) AS last, count(*) AS n FROM events WHERE ${who}`,
      args: whoArgs,
    })
  ).rows[0];
  const sourceIds = await column(
    client,
    `SELECT source_id FROM events WHERE ${who} GROUP BY source_id ORDER BY max(timestamp) DESC`,
    whoArgs,
  );
  // Each trait's latest value, picked in SQL: a user identified on every request has
  // countless identify events, one row per trait name comes back.
  const latestTraits = await client.execute({
    sql: `SELECT key, json FROM (
            SELECT t.key, events.traits -> t.fullkey AS json, row_number() OVER (
              PARTITION BY t.key ORDER BY events.timestamp DESC, events.seq DESC
            ) AS n
            FROM events, json_each(events.traits) AS t
            WHERE ${who} AND events.type = 'identify' AND json_type(events.traits) = 'object'
          ) WHERE n = 1 ORDER BY key`,
    args: whoArgs,
  });
  const traits = Object.fromEntries(
    latestTraits.rows.map((r) => [String(r.key), JSON.parse(String(r.json))]),
  );

  const events = await client.execute({
    sql: `SELECT ${EVENT_COLUMNS} FROM events WHERE ${who} ORDER BY timestamp DESC, seq DESC LIMIT ?`,
    args: [...whoArgs, opts.limit ?? 50],
  });

  return {
    id,
    anonymousIds,
    userIds,
    sourceIds,
    traits,
    consent: await latestConsent(client, who, whoArgs, opts.now),
    firstSeen: num(stats?.first),
    lastSeen: num(stats?.last),
    eventCount: num(stats?.n),
    events: events.rows.map(toEventItem),
  };
}

/**
 * The latest consent record for these ids, else the consent stamped on their latest event. As
 * for audiences (marketing-consent.ts), records are also found by the record ids the events
 * carried: the SDK sends a "reject all" without the anonymous id; and an expired one grants
 * nothing.
 */
async function latestConsent(
  client: Client,
  who: string,
  args: InValue[],
  now: number,
): Promise<Profile['consent']> {
  const carried = await column(
    client,
    `SELECT DISTINCT json_array(source_id, context->>'$.consent.id') FROM events
      WHERE ${who} AND context->>'$.consent.id' IS NOT NULL LIMIT ${MAX_IDS}`,
    args,
  );
  const record = (
    await client.execute({
      sql: `SELECT categories, given_at, decision_source, expires_at, seq FROM consent_records
             WHERE ${who}
            UNION ALL
            SELECT c.categories, c.given_at, c.decision_source, c.expires_at, c.seq
              FROM json_each(?) AS r JOIN consent_records AS c
                ON c.source_id = r.value->>0 AND c.id = r.value->>1
             WHERE c.anonymous_id IS NULL AND c.user_id IS NULL
            ORDER BY given_at DESC, seq DESC LIMIT 1`,
      args: [...args, `[${carried.join(',')}]`],
    })
  ).rows[0];
  if (record) {
    const expiredAt = record.expires_at === null ? undefined : num(record.expires_at);
    const expired = expiredAt !== undefined && expiredAt <= now;
    return {
      basis: 'record',
      categories: expired ? {} : JSON.parse(String(record.categories)),
      at: num(record.given_at),
      decisionSource: String(record.decision_source),
      ...(expired ? { expiredAt } : {}),
    };
  }
  const stamped = (
    await client.execute({
      sql: `SELECT json_extract(context, '$.consent.categoryPreferences') AS prefs, timestamp FROM events
             WHERE ${who} AND json_type(context, '$.consent.categoryPreferences') = 'object'
             ORDER BY timestamp DESC, seq DESC LIMIT 1`,
      args,
    })
  ).rows[0];
  return stamped
    ? { basis: 'event', categories: JSON.parse(String(stamped.prefs)), at: num(stamped.timestamp) }
    : null;
}
