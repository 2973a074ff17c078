import { PROFILE_TABLES, type ProfileScope, type ProfileTable } from '../privacy/profile-tables.js';

/**
 * The segment engine's per-person tables, exported and erased with the rest of a profile
 * (GET /api/v1/profiles/:id/export, DELETE /api/v1/profiles/:id). Scope ids are raw user or
 * anonymous ids; segment profile ids are `u:<userId>` / `a:<anonymousId>`, so both forms.
 */
const profileIds = ({ ids }: ProfileScope) =>
  JSON.stringify(ids.flatMap((id) => [`u:${id}`, `a:${id}`]));
const SOURCES = 'SELECT id FROM sources WHERE ?2 IS NULL OR id = ?2';
const IN_PROFILES = 'profile_id IN (SELECT value FROM json_each(?1))';

function byProfile(name: string, table: string, where: string, order: string): ProfileTable {
  const sql = `FROM ${table} WHERE ${where}`;
  return {
    name,
    select: (scope) => ({
      sql: `SELECT * ${sql} ORDER BY ${order}`,
      args: [profileIds(scope), scope.sourceId ?? null],
    }),
    erase: (scope) => [{ sql: `DELETE ${sql}`, args: [profileIds(scope), scope.sourceId ?? null] }],
  };
}

/** Profiles linked to an erased id whose other side is not erased with it. */
const linkedOutside = (erased: 'anonymous_id' | 'user_id') => {
  const [kept, prefix] = erased === 'anonymous_id' ? ['user_id', 'u:'] : ['anonymous_id', 'a:'];
  return `SELECT source_id, '${prefix}' || ${kept} AS profile_id FROM profile_links
    WHERE source_id IN (${SOURCES}) AND ${erased} IN (SELECT value FROM json_each(?1))
      AND ${kept} NOT IN (SELECT value FROM json_each(?1))`;
};
const USERS = linkedOutside('anonymous_id');
const ANONS = linkedOutside('user_id');

const EMPTIED = `stale = 1, event_count = 0, first_ts = NULL, latest_ts = NULL, latest_seq = NULL,
  context = NULL, packed = ''`;

/**
 * Facts summaries (derived from events; exported too). Erasure deletes the scope's own and
 * empties those that folded in an erased id's events but stay: a user whose linked
 * anonymous id is erased without them, or an anonymous id whose user is. Emptied ones are
 * marked stale and due now, so the engine rebuilds them from the events that remain.
 * Listed before profileLinks: it reads the links that erasure deletes.
 */
const ownFacts = (): ProfileTable =>
  byProfile(
    'profileFacts',
    'profile_facts',
    `source_id IN (${SOURCES}) AND ${IN_PROFILES}`,
    'profile_id',
  );

const profileFacts: ProfileTable = {
  ...ownFacts(),
  erase: (scope) => {
    const linkArgs = [JSON.stringify(scope.ids), scope.sourceId ?? null];
    return [
      {
        sql: `UPDATE profile_facts SET ${EMPTIED} WHERE (source_id, profile_id) IN (${USERS})`,
        args: linkArgs,
      },
      {
        sql: `INSERT INTO profile_facts (source_id, profile_id, event_count, stale, packed)
          SELECT source_id, profile_id, 0, 1, '' FROM (${ANONS}) WHERE true
          ON CONFLICT (source_id, profile_id) DO UPDATE SET ${EMPTIED}`,
        args: linkArgs,
      },
      {
        sql: `INSERT INTO segment_profiles (source_id, profile_id, next_check_at, evaluated_at)
          SELECT source_id, profile_id, 0, 0 FROM (${USERS} UNION ${ANONS}) WHERE true
          ON CONFLICT (source_id, profile_id) DO UPDATE SET next_check_at = 0`,
        args: linkArgs,
      },
      ...ownFacts().erase(scope),
    ];
  },
};

export const SEGMENT_PROFILE_TABLES: ProfileTable[] = [
  profileFacts,
  byProfile(
    'segmentMemberships',
    'segment_memberships',
    `source_id IN (${SOURCES}) AND ${IN_PROFILES}`,
    'id',
  ),
  byProfile(
    'segmentProfiles',
    'segment_profiles',
    `source_id IN (${SOURCES}) AND ${IN_PROFILES}`,
    'profile_id',
  ),
  byProfile(
    'segmentWebhookDeliveries',
    'webhook_deliveries',
    `segment_id IN (SELECT id FROM segments WHERE source_id IN (${SOURCES})) AND ${IN_PROFILES}`,
    'id',
  ),
  {
    name: 'profileLinks',
    select: (scope) => ({
      sql: `SELECT * FROM profile_links WHERE source_id IN (${SOURCES})
        AND (anonymous_id IN (SELECT value FROM json_each(?1)) OR user_id IN (SELECT value FROM json_each(?1)))`,
      args: [JSON.stringify(scope.ids), scope.sourceId ?? null],
    }),
    erase: (scope) => [
      {
        sql: `DELETE FROM profile_links WHERE source_id IN (${SOURCES})
          AND (anonymous_id IN (SELECT value FROM json_each(?1)) OR user_id IN (SELECT value FROM json_each(?1)))`,
        args: [JSON.stringify(scope.ids), scope.sourceId ?? null],
      },
    ],
  },
];

/** Registered once per process, as profile-tables.ts asks of other modules. */
export function registerSegmentProfileTables() {
  for (const table of SEGMENT_PROFILE_TABLES) {
    if (!PROFILE_TABLES.some((t) => t.name === table.name)) PROFILE_TABLES.push(table);
  }
}
