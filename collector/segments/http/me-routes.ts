import { type Context, Hono } from 'hono';
import type { CategoryPreferences } from '../../../shared/consent.js';
import type { AppDeps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { authenticateSource } from '../../ingest/auth.js';
import type { Source } from '../../sources/store.js';
import { profileOf } from '../identity.js';
import { createSegmentQueries } from '../queries.js';

export interface MeSegments {
  segments: {
    key: string;
    utm: { utm_source?: string; utm_medium?: string; utm_campaign?: string; utm_content?: string };
  }[];
}

const allows = (prefs: CategoryPreferences | undefined) =>
  prefs?.personalization === true || prefs?.marketing === true;

function cors(c: Context, source: Source) {
  const origin = c.req.header('Origin');
  c.header('Vary', 'Origin');
  if (origin && (source.allowedOrigins.includes('*') || source.allowedOrigins.includes(origin))) {
    c.header('Access-Control-Allow-Origin', origin);
  }
}

/**
 * `GET /v1/me/segments?writeKey=&anonymousId=`: the visitor's own segment keys and UTM
 * parameters, only when their latest consent grants personalization or marketing.
 */
export function meRoutes(deps: AppDeps) {
  const { database, segmentEngine, segments, now } = deps;
  const queries = createSegmentQueries(database.client);
  const app = new Hono();

  async function latestConsent(sourceId: string, anonymousId: string) {
    const record = await database.client.execute({
      sql: `SELECT categories, expires_at FROM consent_records WHERE source_id = ? AND anonymous_id = ?
        ORDER BY given_at DESC, seq DESC LIMIT 1`,
      args: [sourceId, anonymousId],
    });
    const row = record.rows[0];
    if (row) {
      const expired = row.expires_at !== null && Number(row.expires_at) <= now();
      return expired ? undefined : (JSON.parse(String(row.categories)) as CategoryPreferences);
    }
    const event = await database.client.execute({
      sql: `SELECT context->>'$.consent.categoryPreferences' FROM events
        WHERE source_id = ? AND anonymous_id = ? ORDER BY timestamp DESC, seq DESC LIMIT 1`,
      args: [sourceId, anonymousId],
    });
    const prefs = event.rows[0]?.[0];
    return typeof prefs === 'string' ? (JSON.parse(prefs) as CategoryPreferences) : undefined;
  }

  app.options('/v1/me/segments', async (c) => {
    c.header('Access-Control-Allow-Methods', 'GET');
    c.header('Access-Control-Allow-Headers', 'Authorization');
    c.header('Access-Control-Allow-Origin', c.req.header('Origin') ?? '*');
    return c.body(null, 204);
  });

  app.get('/v1/me/segments', async (c) => {
    const source = await authenticateSource(c, { writeKey: c.req.query('writeKey') }, deps.sources);
    cors(c, source);
    c.header('Cache-Control', 'no-store');
    const anonymousId = c.req.query('anonymousId');
    if (!anonymousId) throw new ApiError(400, 'missing_anonymous_id', 'Pass anonymousId');
    if (!allows(await latestConsent(source.id, anonymousId)))
      return c.json<MeSegments>({ segments: [] });
    const identities = await segmentEngine.identitiesOf(source.id);
    const profileId = profileOf(null, anonymousId, identities.userOf) as string;
    const { current } = await queries.membershipsOf(source.id, profileId);
    const bySource = new Map((await segments.ofSource(source.id)).map((s) => [s.key, s]));
    return c.json<MeSegments>({
      segments: current.map((key) => ({ key, utm: bySource.get(key)?.utm ?? {} })),
    });
  });

  return app;
}
