import type { InStatement } from '@libsql/client';

/** Whose data: a set of user/anonymous ids, in one source or (no sourceId) in all of them. */
export interface ProfileScope {
  ids: string[];
  sourceId?: string;
}

/**
 * A table holding per-profile rows. Export reads `select`, erasure runs `erase` — both in
 * one place so nothing stored about a person is missed by either. Other modules (segment
 * memberships) push their own tables onto PROFILE_TABLES.
 */
export interface ProfileTable {
  /** Key in the export JSON. */
  name: string;
  select(scope: ProfileScope): InStatement;
  erase(scope: ProfileScope): InStatement[];
}

const IDS = 'SELECT value FROM json_each(?1)';
/** Leading with source_id lets SQLite use the (source_id, id) indexes for every source. */
const SOURCES = 'SELECT id FROM sources WHERE ?2 IS NULL OR id = ?2';
const args = ({ ids, sourceId }: ProfileScope) => [JSON.stringify(ids), sourceId ?? null];

/** Rows of `table` whose `column` is one of the ids, by source. */
const byIdColumn = (table: string, column: string) =>
  `FROM ${table} WHERE source_id IN (${SOURCES}) AND ${column} IN (${IDS})`;

/** A table whose rows name a person in `columns` (each searched by an index of its own). */
function idTable(name: string, table: string, order: string, columns: string[]): ProfileTable {
  return {
    name,
    select: (scope) => ({
      sql: `${columns.map((c) => `SELECT * ${byIdColumn(table, c)}`).join(' UNION ')} ORDER BY ${order}`,
      args: args(scope),
    }),
    erase: (scope) =>
      columns.map((column) => ({ sql: `DELETE ${byIdColumn(table, column)}`, args: args(scope) })),
  };
}

/** Rejected payloads are raw JSON: match the ids they name (numbers too, as ingest does). */
const payloadId = (key: string) => `CAST(payload->>'${key}' AS TEXT) IN (${IDS})`;
const FAILED_MATCH = `FROM failed_events WHERE (?2 IS NULL OR source_id = ?2) AND CASE
  WHEN json_valid(payload) THEN ${['anonymousId', 'userId', 'previousId'].map(payloadId).join(' OR ')}
  END`;

const failedEvents: ProfileTable = {
  name: 'failedEvents',
  select: (scope) => ({ sql: `SELECT * ${FAILED_MATCH} ORDER BY id`, args: args(scope) }),
  erase: (scope) => [{ sql: `DELETE ${FAILED_MATCH}`, args: args(scope) }],
};

export const PROFILE_TABLES: ProfileTable[] = [
  // previous_id: the id an alias event retires, one of the person's ids too.
  idTable('events', 'events', 'seq', ['anonymous_id', 'user_id', 'previous_id']),
  idTable('consentRecords', 'consent_records', 'seq', ['anonymous_id', 'user_id']),
  failedEvents,
];

/**
 * Ids seen together with `scope.ids` on an event: `user` rows are user ids of those ids
 * (an identify links a visitor's anonymous id to a user id, an alias a previous id), `device`
 * rows the anonymous and previous ids of those ids taken as user ids.
 */
export function linkedIdsStatement(scope: ProfileScope): InStatement {
  return {
    sql: `SELECT anonymous_id AS id, 'device' AS kind ${byIdColumn('events', 'user_id')} AND anonymous_id IS NOT NULL
      UNION SELECT previous_id, 'device' ${byIdColumn('events', 'user_id')} AND previous_id IS NOT NULL
      UNION SELECT user_id, 'user' ${byIdColumn('events', 'anonymous_id')} AND user_id IS NOT NULL
      UNION SELECT user_id, 'user' ${byIdColumn('events', 'previous_id')} AND user_id IS NOT NULL`,
    args: args(scope),
  };
}
