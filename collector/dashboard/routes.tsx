import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { overviewReport } from '../reports/overview.js';
import { assetRoutes } from './assets.js';
import { type DashboardEnv, requireSession } from './auth.js';
import { html, Shell } from './layout.js';
import { loginRoutes, logoutRoute } from './login.js';
import { OverviewPage } from './overview.js';
import { pageContext } from './page-context.js';
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
export function dashboardRoutes(deps: AppDeps) {
  const sessions = createSessionStore(deps.now);
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
  app.route('/', loginRoutes({ adminToken: deps.adminToken, sessions, ttlMs: SESSION_TTL_MS }));

  app.use('*', requireSession(sessions));
  app.route('/', logoutRoute(sessions));

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

  return app;
}
