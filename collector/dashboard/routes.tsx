import { Hono } from 'hono';
import type { TokenGuard } from '../admin/auth.js';
import type { AppDeps } from '../deps.js';
import { contentReport } from '../reports/content.js';
import { failedEvents, liveCursor, newestEvents } from '../reports/live.js';
import { overviewReport } from '../reports/overview.js';
import { profileReport } from '../reports/profile.js';
import { ApiCallError, type ApiFetch, createApiClient } from './api-client.js';
import type { ProfileSegments, SegmentView } from './api-types.js';
import { assetRoutes } from './assets.js';
import { type DashboardEnv, requireSession } from './auth.js';
import { ContentPage, SegmentPicker } from './content.js';
import { html, Shell } from './layout.js';
import { LivePage } from './live.js';
import { formatCursor, liveStream, parseCursor } from './live-stream.js';
import { loginRoutes, logoutRoute } from './login.js';
import { OverviewPage } from './overview.js';
import { pageContext } from './page-context.js';
import { ProfileSearch, ProfileView } from './profiles.js';
import { segmentPages } from './segment-routes.js';
import { createSessionStore, SESSION_TTL_MS } from './sessions.js';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The marketer dashboard under /app: server-rendered pages behind an admin-token session. */
export function dashboardRoutes(deps: AppDeps, fetchApi: ApiFetch, guard: TokenGuard) {
  const api = createApiClient(fetchApi);
  const sessions = createSessionStore(deps.database.db, deps.now, deps.adminToken);
  const app = new Hono<DashboardEnv>();

  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    if (c.res.headers.get('Content-Type')?.startsWith('text/html')) {
      c.header('Cache-Control', 'no-store');
    }
  });
  app.route('/assets', assetRoutes());
  app.route(
    '/',
    loginRoutes({
      adminToken: deps.adminToken,
      sessions,
      ttlMs: SESSION_TTL_MS,
      guard,
      proxyHops: deps.ingest.trustProxy,
    }),
  );

  app.use('*', requireSession(sessions, deps.ingest.trustProxy));
  app.route('/', logoutRoute(sessions));
  app.route('/segments', segmentPages(deps, api));

  app.get('/', async (c) => {
    const p = await pageContext(c, deps);
    const report = await overviewReport(deps.database.client, p.filters);
    return c.html(
      html(
        <Shell
          title="Overview"
          active="overview"
          csrf={p.csrf}
          filters={p.filterBar('/app')}
          scripts={['uPlot.iife.min.js', 'charts.js']}
        >
          <OverviewPage report={report} />
        </Shell>,
      ),
    );
  });

  app.get('/live', async (c) => {
    const p = await pageContext(c, deps);
    const client = deps.database.client;
    const sourceId = p.filters.sourceId;
    const cursor = await liveCursor(client);
    const [events, failed] = [
      await newestEvents(client, { sourceId, limit: 50 }),
      await failedEvents(client, { sourceId, limit: 20 }),
    ];
    return c.html(
      html(
        <Shell
          title="Live events"
          active="live"
          csrf={p.csrf}
          filters={p.filterBar('/app/live', false)}
          scripts={['live.js']}
        >
          <LivePage events={events} failed={failed} cursor={formatCursor(cursor)} />
        </Shell>,
      ),
    );
  });

  app.get('/live/stream', async (c) => {
    const { id } = c.get('session');
    const start =
      parseCursor(c.req.header('Last-Event-ID')) ??
      parseCursor(c.req.query('after')) ??
      (await liveCursor(deps.database.client));
    return liveStream(c, deps.database.client, {
      sourceId: c.req.query('source') || undefined,
      start,
      log: deps.log,
      signedIn: async () => (await sessions.get(id)) !== undefined,
    });
  });

  app.get('/content', async (c) => {
    const p = await pageContext(c, deps);
    const query = p.filters.sourceId ? `?sourceId=${encodeURIComponent(p.filters.sourceId)}` : '';
    const { segments } = await api.get<{ segments: SegmentView[] }>(`/segments${query}`);
    const segment = segments.find((s) => s.id === c.req.query('segment'));
    const report = await contentReport(deps.database.client, p.filters, { segmentId: segment?.id });
    return c.html(
      html(
        <Shell
          title="Content KPIs"
          active="content"
          csrf={p.csrf}
          filters={p.filterBar('/app/content')}
          scripts={['uPlot.iife.min.js', 'charts.js']}
        >
          <ContentPage
            report={report}
            segmentPicker={
              <SegmentPicker
                filters={p.filters}
                segments={segments}
                sources={p.sources}
                selected={segment?.id}
              />
            }
          />
        </Shell>,
      ),
    );
  });

  app.get('/profiles', async (c) => {
    const p = await pageContext(c, deps);
    const asked = (c.req.query('id') ?? '').slice(0, 200);
    const lookUp = (id: string) =>
      id
        ? profileReport(deps.database.client, id, { sourceId: p.filters.sourceId, now: deps.now() })
        : undefined;
    // Ids are stored as sent, spaces at the ends too (links carry them); a pasted id may
    // have stray ones.
    let id = asked;
    let profile = await lookUp(id);
    if (!profile && asked.trim() !== asked) {
      id = asked.trim();
      profile = await lookUp(id);
    }
    const memberships: ProfileSegments[] = [];
    for (const sourceId of profile?.sourceIds.slice(0, 5) ?? []) {
      const path = `/profiles/${encodeURIComponent(id)}?sourceId=${encodeURIComponent(sourceId)}&events=0`;
      try {
        memberships.push(await api.get<ProfileSegments>(path));
      } catch (err) {
        if (!(err instanceof ApiCallError && err.status === 404)) throw err;
      }
    }
    return c.html(
      html(
        <Shell
          title={profile ? `Profile ${id}` : 'Profiles'}
          active="profiles"
          csrf={p.csrf}
          filters={p.filterBar('/app/profiles', false)}
        >
          <ProfileSearch id={id} sourceId={p.filters.sourceId} />
          {profile && <ProfileView profile={profile} memberships={memberships} />}
          {id && !profile && (
            <p class="card empty" role="status">
              No events for this id.
            </p>
          )}
        </Shell>,
      ),
      id && !profile ? 404 : 200,
    );
  });

  return app;
}
