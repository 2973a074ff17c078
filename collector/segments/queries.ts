import type { Client } from '@libsql/client';
import { SEGMENTABLE_SQL } from './facts.js';
import { anonymousIdsOf, splitProfileId } from './identity.js';
import { marketingConsentOf } from './marketing-consent.js';

const DAY = 86_400_000;

/** Read-side queries of the marketer API (no HTTP here). */
export function createSegmentQueries(client: Client) {
  const rows = async (sql: string, args: (string | number | null)[] = []) =>
    (await client.execute({ sql, args })).rows;

  return {
    async sizes(segmentIds: string[]): Promise<Map<string, number>> {
      const r = await rows(
        `SELECT segment_id, count(*) FROM segment_memberships
         WHERE exited_at IS NULL AND segment_id IN (SELECT value FROM json_each(?)) GROUP BY segment_id`,
        [JSON.stringify(segmentIds)],
      );
      return new Map(r.map((row) => [String(row[0]), Number(row[1])]));
    },

    /** Entries and exits per UTC day over the last `days` days, oldest first. */
    async trend(segmentId: string, now: number, days = 30) {
      const since = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
      const count = async (column: 'entered_at' | 'exited_at') =>
        new Map(
          (
            await rows(
              `SELECT ${column} / ${DAY} AS day, count(*) FROM segment_memberships
               WHERE segment_id = ? AND ${column} >= ? GROUP BY day`,
              [segmentId, since],
            )
          ).map((r) => [Number(r[0]), Number(r[1])]),
        );
      const [entered, exited] = [await count('entered_at'), await count('exited_at')];
      return Array.from({ length: days }, (_, i) => {
        const day = since / DAY + i;
        return {
          day: new Date(day * DAY).toISOString().slice(0, 10),
          entered: entered.get(day) ?? 0,
          exited: exited.get(day) ?? 0,
        };
      });
    },

    /** Current members after a membership-row cursor, oldest entry first. */
    async members(segmentId: string, after: number, limit: number) {
      const r = await rows(
        `SELECT id, profile_id, entered_at FROM segment_memberships
         WHERE segment_id = ? AND exited_at IS NULL AND id > ? ORDER BY id LIMIT ?`,
        [segmentId, after, limit],
      );
      return r.map((row) => ({
        cursor: Number(row[0]),
        profileId: String(row[1]),
        ...splitProfileId(String(row[1])),
        enteredAt: new Date(Number(row[2])).toISOString(),
      }));
    },

    async overlap(a: string, b: string) {
      const [row] = await rows(
        `SELECT
           (SELECT count(*) FROM segment_memberships WHERE segment_id = ?1 AND exited_at IS NULL),
           (SELECT count(*) FROM segment_memberships WHERE segment_id = ?2 AND exited_at IS NULL),
           (SELECT count(*) FROM segment_memberships x JOIN segment_memberships y
              ON y.profile_id = x.profile_id AND y.segment_id = ?2 AND y.exited_at IS NULL
            WHERE x.segment_id = ?1 AND x.exited_at IS NULL)`,
        [a, b],
      );
      return { a: Number(row?.[0]), b: Number(row?.[1]), both: Number(row?.[2]) };
    },

    async deliveries(segmentId: string, limit: number) {
      const r = await rows(
        `SELECT id, profile_id, kind, status, attempts, last_status, last_error, created_at,
           delivered_at, next_attempt_at FROM webhook_deliveries WHERE segment_id = ? ORDER BY id DESC LIMIT ?`,
        [segmentId, limit],
      );
      return r.map((row) => ({
        id: Number(row.id),
        profileId: String(row.profile_id),
        kind: String(row.kind),
        status: String(row.status),
        attempts: Number(row.attempts),
        lastStatus: row.last_status === null ? null : Number(row.last_status),
        lastError: row.last_error === null ? null : String(row.last_error),
        createdAt: new Date(Number(row.created_at)).toISOString(),
        deliveredAt:
          row.delivered_at === null ? null : new Date(Number(row.delivered_at)).toISOString(),
        nextAttemptAt:
          row.next_attempt_at === null ? null : new Date(Number(row.next_attempt_at)).toISOString(),
      }));
    },

    /** A profile's current segments (keys) and full membership history. */
    async membershipsOf(sourceId: string, profileId: string) {
      const r = await rows(
        `SELECT s.key, m.entered_at, m.exited_at, m.exit_reason FROM segment_memberships m
         JOIN segments s ON s.id = m.segment_id
         WHERE m.source_id = ? AND m.profile_id = ? ORDER BY m.entered_at DESC, m.id DESC`,
        [sourceId, profileId],
      );
      const history = r.map((row) => ({
        segment: String(row[0]),
        enteredAt: new Date(Number(row[1])).toISOString(),
        exitedAt: row[2] === null ? null : new Date(Number(row[2])).toISOString(),
        exitReason: row[3] === null ? null : String(row[3]),
      }));
      return { current: history.filter((h) => h.exitedAt === null).map((h) => h.segment), history };
    },

    /** Whether each profile's latest known consent grants marketing (absent: none known). */
    marketingConsentOf: (sourceId: string, profileIds: string[], now: number) =>
      marketingConsentOf(client, sourceId, profileIds, now),

    /**
     * Latest merged traits per profile (from identify events), for audience exports: a user's
     * own and those its linked anonymous ids sent before they had a user id, as the engine merges.
     */
    async traitsOf(sourceId: string, profileIds: string[]) {
      const users = profileIds.filter((p) => p.startsWith('u:')).map((p) => p.slice(2));
      const profileOfAnon = await anonymousIdsOf(client, sourceId, profileIds);
      const r = await rows(
        // As in load-facts.ts: two index searches.
        `SELECT user_id, anonymous_id, traits, timestamp, seq FROM events
         WHERE source_id = ?1 AND user_id IN (SELECT value FROM json_each(?2)) AND type = 'identify'
           AND ${SEGMENTABLE_SQL}
         UNION ALL SELECT user_id, anonymous_id, traits, timestamp, seq FROM events
         WHERE source_id = ?1 AND user_id IS NULL AND anonymous_id IN (SELECT value FROM json_each(?3))
           AND type = 'identify' AND ${SEGMENTABLE_SQL}
         ORDER BY timestamp, seq`,
        [sourceId, JSON.stringify(users), JSON.stringify([...profileOfAnon.keys()])],
      );
      const out = new Map<string, Record<string, unknown>>();
      for (const row of r) {
        if (row[2] === null) continue;
        const id = row[0] ? `u:${row[0]}` : profileOfAnon.get(String(row[1]));
        if (id) out.set(id, { ...out.get(id), ...JSON.parse(String(row[2])) });
      }
      return out;
    },
  };
}

export type SegmentQueries = ReturnType<typeof createSegmentQueries>;
