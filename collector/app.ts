import { Hono } from 'hono';
import { adminAuth, bearerAuth, createTokenGuard } from './admin/auth.js';
import { dropRoutes } from './admin/drops.js';
import { eventRoutes } from './admin/events.js';
import { failedEventRoutes } from './admin/failed-events.js';
import { profileRoutes } from './admin/profiles.js';
import { sourceRoutes } from './admin/sources.js';
import { consentRoutes } from './consent/routes.js';
import { consentStatsRoutes } from './consent/stats.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { demoRoutes } from './demo/routes.js';
import type { AppDeps } from './deps.js';
import { ApiError, handleError } from './errors.js';
import { limitBody, MAX_ADMIN_BODY_BYTES, MAX_FORM_BYTES } from './http/body-limit.js';
import { sdkScriptRoutes } from './http/sdk-script.js';
import { createRequestLimits } from './ingest/request-limits.js';
import { ingestRoutes } from './ingest/routes.js';
import { engineLagMetric } from './metrics/engine-lag.js';
import { threadCpuMetric } from './metrics/thread-cpu-metric.js';
import { linkRoutes } from './segments/http/link-routes.js';
import { meRoutes } from './segments/http/me-routes.js';
import { openApiDocument } from './segments/http/openapi.js';
import { segmentProfileRoutes } from './segments/http/profile-routes.js';
import { segmentRoutes } from './segments/http/segment-routes.js';

/** Builds the collector's HTTP app; never listens (main.ts does, tests call app.request). */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.onError((err, c) => handleError(err, c, deps.log));
  app.notFound(() => {
    throw new ApiError(404, 'not_found', 'No such route');
  });

  app.get('/health', async (c) => {
    await deps.database.client.execute('SELECT 1');
    // The database answers reads, but events cannot be stored (a write thread gone, a full disk).
    if (deps.writer.stats.failing) return c.json({ status: 'storage_failing' }, 503);
    // Events are still stored, but no segment changes until a restart.
    if (deps.segmentEngine.failed) return c.json({ status: 'segments_failing' }, 503);
    return c.json({ status: 'ok' });
  });
  const guard = createTokenGuard(deps);
  if (deps.metricsToken) app.use('/metrics', bearerAuth(deps.metricsToken, 'metrics', guard));
  const refreshEngineLag = engineLagMetric(deps.metrics, deps.database.client);
  const refreshThreadCpu = threadCpuMetric(deps.metrics);
  app.get('/metrics', async (c) => {
    await refreshEngineLag();
    refreshThreadCpu();
    return c.text(deps.metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4' });
  });
  const limits = createRequestLimits(deps);
  app.route('/', ingestRoutes(deps, limits));
  app.route('/', consentRoutes(deps, limits));
  app.route('/', meRoutes(deps));
  const openApi = openApiDocument();
  app.get('/api/v1/openapi.json', (c) => c.json(openApi));
  app.route('/', sdkScriptRoutes(deps.sdkDir));
  app.route('/demo', demoRoutes(deps));
  // The dashboard reads and writes through the marketer API, signed in as the admin.
  const fetchApi = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${deps.adminToken}`);
    return app.request(path, { ...init, headers });
  };
  app.use('/app/*', limitBody(MAX_FORM_BYTES));
  app.route('/app', dashboardRoutes(deps, fetchApi, guard));

  const admin = new Hono();
  admin.use('*', adminAuth(deps.adminToken, guard), limitBody(MAX_ADMIN_BODY_BYTES));
  admin.route('/sources', sourceRoutes(deps));
  admin.route('/events', eventRoutes(deps));
  admin.route('/failed-events', failedEventRoutes(deps));
  admin.route('/profiles', profileRoutes(deps));
  admin.route('/drops', dropRoutes(deps));
  admin.route('/consent', consentStatsRoutes(deps));
  admin.route('/segments', segmentRoutes(deps));
  admin.route('/profiles', segmentProfileRoutes(deps));
  admin.route('/links', linkRoutes(deps));
  app.route('/api/v1', admin);
  return app;
}

export type App = ReturnType<typeof createApp>;
