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

/**
 * A row found by a device's id (an anonymous or previous id) that names another user is that
 * user's: one browser, two logins.
 */
const OWN = `AND (user_id IS NULL OR user_id IN (${IDS}))`;

/**
 * A table whose rows name a person in `columns` (each searched by an index of its own; rows
 * found by another column than user_id only when no other user is named), or match one of the
 * `also` clauses (`FROM … WHERE …`, erased first).
 */
function idTable(
  name: string,
  table: string,
  order: string,
  columns: string[],
  also: string[] = [],
): ProfileTable {
  const matches = [
    ...also,
    ...columns.map((c) => `${byIdColumn(table, c)}${c === 'user_id' ? '' : ` ${OWN}`}`),
  ];
  return {
    name,
    select: (scope) => ({
      sql: `${matches.map((m) => `SELECT * ${m}`).join(' UNION ')} ORDER BY ${order}`,
      args: args(scope),
    }),
    erase: (scope) => matches.map((m) => ({ sql: `DELETE ${m}`, args: args(scope) })),
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

/**
 * The consent records the person's events name (`context.consent.id`) that name no anonymous
 * id: the SDK keeps one record id per browser and sends a decision without the anonymous id
 * once analytics is refused. A record of that id naming another anonymous id (or user) is
 * that visitor's: after a logout's reset() the next person on the browser gets a new anonymous
 * id but the same record id.
 */
const RECORDS_OF_EVENTS = ['anonymous_id', 'user_id']
  .map((c) => `SELECT context->>'$.consent.id' ${byIdColumn('events', c)}`)
  .join(' UNION ');
const CONSENT_OF_EVENTS = `FROM consent_records WHERE source_id IN (${SOURCES}) AND id IN (${RECORDS_OF_EVENTS})
  AND anonymous_id IS NULL ${OWN}`;

/** In order of erasure: consent records before the events that name them. */
export const PROFILE_TABLES: ProfileTable[] = [
  idTable(
    'consentRecords',
    'consent_records',
    'seq',
    ['anonymous_id', 'user_id'],
    [CONSENT_OF_EVENTS],
  ),
  // previous_id: the id an alias event retires, one of the person's ids too.
  idTable('events', 'events', 'seq', ['anonymous_id', 'user_id', 'previous_id']),
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
