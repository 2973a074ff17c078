import type { Client } from '@libsql/client';
import { CONTENT_EVENTS } from '../../shared/content-events.js';
import { DAY_OF, daysOf, num, type Scope, scopeWhere, VISITOR } from './scope.js';
import { inSegment } from './segment-filter.js';

export interface ContentRow {
  contentId: string;
  contentName: string | null;
  /** VideoStart events. */
  views: number;
  viewers: number;
  completions: number;
  /** completions / views, 0..1. */
  completionRate: number;
  likes: number;
  comments: number;
  shares: number;
  /** Sum of `watched_seconds`. */
  watchSeconds: number;
}

export interface ContentReport {
  items: ContentRow[];
  daily: { day: string; views: number; completions: number }[];
}

const E = CONTENT_EVENTS;
const NAMES = Object.values(E)
  .map((n) => `'${n}'`)
  .join(', ');
const WATCHED = `CASE WHEN event IN ('${E.videoProgress}', '${E.videoPause}', '${E.videoComplete}')
  AND json_type(properties, '$.watched_seconds') IN ('integer', 'real')
  THEN max(json_extract(properties, '$.watched_seconds'), 0) ELSE 0 END`;
const MAX_ITEMS = 100;

/**
 * Content and video engagement per content item (the CONTENT_EVENTS vocabulary), for
 * everyone or only for the current members of a segment.
 */
export async function contentReport(
  client: Client,
  scope: Scope,
  opts: { segmentId?: string } = {},
): Promise<ContentReport> {
  const where = scopeWhere(scope);
  const members = opts.segmentId ? inSegment(opts.segmentId) : undefined;
  const base = `FROM events WHERE ${where.sql} AND type = 'track' AND event IN (${NAMES})
      AND json_type(properties, '$.content_id') = 'text'${members ? ` AND ${members.sql}` : ''}`;
  const args = [...where.args, ...(members?.args ?? [])];
  const items = await client.execute({
    sql: `SELECT json_extract(properties, '$.content_id') AS content_id,
                 max(json_extract(properties, '$.content_name')) AS content_name,
                 sum(event = '${E.videoStart}') AS views,
                 count(DISTINCT CASE WHEN event = '${E.videoStart}' THEN ${VISITOR} END) AS viewers,
                 sum(event = '${E.videoComplete}') AS completions,
                 sum(event = '${E.contentLike}') AS likes,
                 sum(event = '${E.contentComment}') AS comments,
                 sum(event = '${E.contentShare}') AS shares,
                 total(${WATCHED}) AS watch_seconds
            ${base} GROUP BY 1 ORDER BY views DESC, content_id LIMIT ${MAX_ITEMS}`,
    args,
  });
  const daily = await client.execute({
    sql: `SELECT ${DAY_OF('timestamp')} AS day, sum(event = '${E.videoStart}') AS views,
                 sum(event = '${E.videoComplete}') AS completions
            ${base} GROUP BY 1`,
    args,
  });
  const byDay = new Map(daily.rows.map((r) => [String(r.day), r]));
  return {
    items: items.rows.map((r) => {
      const views = num(r.views);
      const completions = num(r.completions);
      return {
        contentId: String(r.content_id),
        contentName: r.content_name === null ? null : String(r.content_name),
        views,
        viewers: num(r.viewers),
        completions,
        completionRate: views ? Math.min(1, completions / views) : 0,
        likes: num(r.likes),
        comments: num(r.comments),
        shares: num(r.shares),
        watchSeconds: num(r.watch_seconds),
      };
    }),
    daily: daysOf(scope).map((day) => ({
      day,
      views: num(byDay.get(day)?.views),
      completions: num(byDay.get(day)?.completions),
    })),
  };
}
