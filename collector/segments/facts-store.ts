import type { Client, InStatement } from '@libsql/client';
import {
  type Coverage,
  coverageJson,
  parseCoverage,
  parseSummaries,
  type Summary,
  summaryValues,
} from './profile-facts.js';

/** One packed string per query, as parseSummaries reads it. */
const PACKED_ROW = `concat(profile_id, x'1f', stale, x'1f', event_count, x'1f', latest_ts, x'1f',
  latest_seq, x'1f', context, x'1f', packed)`;

/** Stored summaries of the given profiles (absent ones are not in the map). */
export async function readSummaries(
  client: Client,
  sourceId: string,
  profileIds: string[],
): Promise<Map<string, Summary>> {
  const out = new Map<string, Summary>();
  for (let i = 0; i < profileIds.length; i += 5000) {
    const r = await client.execute({
      sql: `SELECT group_concat(${PACKED_ROW}, '') FROM profile_facts
        WHERE source_id = ? AND profile_id IN (SELECT value FROM json_each(?))`,
      args: [sourceId, JSON.stringify(profileIds.slice(i, i + 5000))],
    });
    parseSummaries((r.rows[0]?.[0] as string | null) ?? '', out);
  }
  return out;
}

/**
 * The next `limit` summaries of a source in storage order after `afterRowid` (a full
 * recompute walks the table; `+source_id` keeps it off the primary key index), or only
 * those holding events before `firstBefore`.
 */
export async function scanSummaries(
  client: Client,
  sourceId: string,
  afterRowid: number,
  limit: number,
  firstBefore?: number,
) {
  const r = await client.execute({
    sql: `SELECT group_concat(${PACKED_ROW}, ''), max(rowid), count(*) FROM (
        SELECT rowid, * FROM profile_facts WHERE +source_id = ? AND rowid > ?
          ${firstBefore === undefined ? '' : 'AND first_ts < ?'}
        ORDER BY rowid LIMIT ${limit})`,
    args: firstBefore === undefined ? [sourceId, afterRowid] : [sourceId, afterRowid, firstBefore],
  });
  const row = r.rows[0];
  return {
    summaries: parseSummaries((row?.[0] as string | null) ?? ''),
    lastRowid: Number(row?.[1] ?? afterRowid),
    count: Number(row?.[2] ?? 0),
  };
}

export async function summaryCount(client: Client, sourceId: string): Promise<number> {
  const r = await client.execute({
    sql: 'SELECT count(*) FROM profile_facts WHERE source_id = ?',
    args: [sourceId],
  });
  return Number(r.rows[0]?.[0] ?? 0);
}

const ROWS_PER_STATEMENT = 2000;

/** Writes whole summaries (upsert) and deletes others; part of the caller's transaction. */
export function summaryStatements(
  sourceId: string,
  upserts: [profileId: string, Summary][],
  deletes: string[] = [],
): InStatement[] {
  const stmts: InStatement[] = [];
  for (let i = 0; i < upserts.length; i += ROWS_PER_STATEMENT) {
    const rows = upserts
      .slice(i, i + ROWS_PER_STATEMENT)
      .map(([id, s]) => [id, ...summaryValues(s)]);
    stmts.push({
      sql: `INSERT INTO profile_facts (source_id, profile_id, event_count, first_ts, latest_ts,
          latest_seq, stale, context, packed)
        SELECT ?, value->>0, value->>1, value->>2, value->>3, value->>4, 0, value->>5, value->>6
        FROM json_each(?) WHERE true
        ON CONFLICT (source_id, profile_id) DO UPDATE SET event_count = excluded.event_count,
          first_ts = excluded.first_ts, latest_ts = excluded.latest_ts,
          latest_seq = excluded.latest_seq, stale = 0, context = excluded.context,
          packed = excluded.packed`,
      args: [sourceId, JSON.stringify(rows)],
    });
  }
  if (deletes.length) {
    stmts.push({
      sql: `DELETE FROM profile_facts WHERE source_id = ? AND profile_id IN (SELECT value FROM json_each(?))`,
      args: [sourceId, JSON.stringify(deletes)],
    });
  }
  return stmts;
}

/** The coverage a source's summaries were built with; undefined when never built. */
export async function loadCoverage(
  client: Client,
  sourceId: string,
): Promise<Coverage | undefined> {
  const r = await client.execute({
    sql: 'SELECT coverage FROM profile_facts_builds WHERE source_id = ?',
    args: [sourceId],
  });
  const json = r.rows[0]?.[0];
  return typeof json === 'string' ? parseCoverage(json) : undefined;
}

export const coverageStatement = (sourceId: string, coverage: Coverage, at: number) => ({
  sql: `INSERT INTO profile_facts_builds (source_id, coverage, built_at) VALUES (?, ?, ?)
    ON CONFLICT (source_id) DO UPDATE SET coverage = excluded.coverage, built_at = excluded.built_at`,
  args: [sourceId, coverageJson(coverage), at],
});

/** A rebuild starts by forgetting the source's summaries and how they were built. */
export const clearStatements = (sourceId: string): InStatement[] => [
  { sql: 'DELETE FROM profile_facts_builds WHERE source_id = ?', args: [sourceId] },
  { sql: 'DELETE FROM profile_facts WHERE source_id = ?', args: [sourceId] },
];
