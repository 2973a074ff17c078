import { Hono } from 'hono';
import { z } from 'zod';
import { parseWith } from '../../admin/parse-json.js';
import type { AppDeps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { isActivity } from '../facts.js';
import { createSegmentQueries } from '../queries.js';
import { resolveSource } from './resolve.js';

const Query = z.object({
  sourceId: z.string().optional(),
  events: z.coerce.number().int().min(0).max(500).default(50),
});

/** `GET /api/v1/profiles/:id`: a `u:`/`a:` profile id, or a raw user id or anonymous id. */
export function segmentProfileRoutes(deps: AppDeps) {
  const { database, segmentEngine } = deps;
  const queries = createSegmentQueries(database.client);
  const app = new Hono();

  app.get('/:id', async (c) => {
    const q = parseWith(Query, c.req.query());
    const source = await resolveSource(deps, q.sourceId);
    const raw = c.req.param('id');
    const hasUser = await database.client.execute({
      sql: 'SELECT 1 FROM events WHERE source_id = ? AND user_id = ? LIMIT 1',
      args: [source.id, raw],
    });
    const linked = await segmentEngine.userOf(source.id, raw);
    const profileId = /^[ua]:/.test(raw)
      ? raw
      : hasUser.rows.length
        ? `u:${raw}`
        : linked
          ? `u:${linked}`
          : `a:${raw}`;
    const facts = (await segmentEngine.factsOf(source.id, [profileId])).get(profileId);
    if (!facts) throw new ApiError(404, 'profile_not_found', 'No events for this profile');
    const activity = facts.events.filter((e) => isActivity(e.name));
    const userId = profileId.startsWith('u:') ? profileId.slice(2) : null;
    const memberships = await queries.membershipsOf(source.id, profileId);
    return c.json({
      profileId,
      sourceId: source.id,
      userId,
      anonymousIds: userId
        ? await segmentEngine.anonymousIdsOf(source.id, userId)
        : [profileId.slice(2)],
      traits: facts.traits,
      context: facts.context,
      firstSeen: activity[0] ? new Date(activity[0].ts).toISOString() : null,
      lastSeen: activity.at(-1)
        ? new Date((activity.at(-1) as { ts: number }).ts).toISOString()
        : null,
      recentEvents: facts.events
        .slice(Math.max(0, facts.events.length - q.events))
        .reverse()
        .map((e) => ({
          event: e.name,
          timestamp: new Date(e.ts).toISOString(),
          properties: e.props,
        })),
      segments: memberships.current,
      history: memberships.history,
    });
  });

  return app;
}
