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

export const SEGMENT_PROFILE_TABLES: ProfileTable[] = [
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
