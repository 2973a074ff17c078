import { type Context, Hono } from 'hono';
import type { CategoryPreferences } from '../../../shared/consent.js';
import { ME_SEGMENTS_PATH, type MeSegmentsResponse } from '../../../shared/me-segments.js';
import type { AppDeps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { authenticateSource } from '../../ingest/auth.js';
import { originAllowed } from '../../ingest/cors.js';
import type { Source } from '../../sources/store.js';
import { createSegmentQueries } from '../queries.js';

const allows = (prefs: CategoryPreferences | undefined) =>
  prefs?.personalization === true || prefs?.marketing === true;

/** CORS by the same rule as ingest: the source's allowed origins, and the collector's own pages. */
function cors(c: Context, source: Source) {
  const origin = c.req.header('Origin');
  c.header('Vary', 'Origin');
  if (origin && originAllowed(source.allowedOrigins, origin, c.req.header('Host'))) {
    c.header('Access-Control-Allow-Origin', origin);
  }
}

/**
 * `GET /v1/me/segments?writeKey=&anonymousId=` (contract: shared/me-segments.ts): the
 * visitor's own segments that have a UTM template, oldest segment first, and only when
 * their latest consent grants personalization or marketing.
 */
export function meRoutes(deps: AppDeps) {
  const { database, segmentEngine, segments, now } = deps;
  const queries = createSegmentQueries(database.client);
  const app = new Hono();

  /**
   * The visitor's latest decision: its records by anonymous id and those of the record ids its
   * events carried (the SDK sends a refusal without the anonymous id); else, without any
   * record, the consent its latest event carried.
   */
  async function latestConsent(sourceId: string, anonymousId: string) {
    const record = await database.client.execute({
      sql: `SELECT categories, expires_at, given_at, seq FROM consent_records
          WHERE source_id = ?1 AND anonymous_id = ?2
        UNION SELECT categories, expires_at, given_at, seq FROM consent_records
          WHERE source_id = ?1 AND id IN (SELECT context->>'$.consent.id' FROM events
            WHERE source_id = ?1 AND anonymous_id = ?2)
        ORDER BY given_at DESC, seq DESC LIMIT 1`,
      args: [sourceId, anonymousId],
    });
    const row = record.rows[0];
    if (row) {
      const expired = row.expires_at !== null && Number(row.expires_at) <= now();
      return expired ? undefined : (JSON.parse(String(row.categories)) as CategoryPreferences);
    }
    const event = await database.client.execute({
      // A sender may put anything there: only an object is a decision.
      sql: `SELECT context->>'$.consent.categoryPreferences' FROM events
        WHERE source_id = ? AND anonymous_id = ?
          AND json_type(context, '$.consent.categoryPreferences') = 'object'
        ORDER BY timestamp DESC, seq DESC LIMIT 1`,
      args: [sourceId, anonymousId],
    });
    const prefs = event.rows[0]?.[0];
    return typeof prefs === 'string' ? (JSON.parse(prefs) as CategoryPreferences) : undefined;
  }

  app.options(ME_SEGMENTS_PATH, async (c) => {
    const source = await authenticateSource(c, { writeKey: c.req.query('writeKey') }, deps.sources);
    cors(c, source);
    c.header('Access-Control-Allow-Methods', 'GET');
    c.header('Access-Control-Allow-Headers', 'Authorization');
    return c.body(null, 204);
  });

  app.get(ME_SEGMENTS_PATH, async (c) => {
    const source = await authenticateSource(c, { writeKey: c.req.query('writeKey') }, deps.sources);
    cors(c, source);
    c.header('Cache-Control', 'private, max-age=60');
    const anonymousId = c.req.query('anonymousId');
    if (!anonymousId) throw new ApiError(400, 'missing_anonymous_id', 'Pass anonymousId');
    if (!allows(await latestConsent(source.id, anonymousId))) {
      return c.json<MeSegmentsResponse>({ segments: [] });
    }
    const userId = await segmentEngine.userOf(source.id, anonymousId);
    const profileId = userId ? `u:${userId}` : `a:${anonymousId}`;
    const current = new Set((await queries.membershipsOf(source.id, profileId)).current);
    // Segments without a UTM template stay unrevealed (shared/me-segments.ts).
    const tagged = (await segments.ofSource(source.id)).flatMap((s) =>
      current.has(s.key) && s.utm ? [{ key: s.key, utm: s.utm }] : [],
    );
    return c.json<MeSegmentsResponse>({ segments: tagged });
  });

  return app;
}
