import type { Context } from 'hono';
import type { AppDeps } from '../deps.js';
import type { DashboardEnv } from './auth.js';
import { parseFilters } from './filters.js';

/** What every signed-in page needs: the filters from the query, the sources, the CSRF token. */
export async function pageContext(c: Context<DashboardEnv>, deps: AppDeps) {
  const filters = parseFilters(c.req.query(), deps.now());
  const sources = await deps.sources.list();
  return {
    filters,
    sources,
    csrf: c.get('session').csrf,
    filterBar: (path: string, dates = true) => ({ value: filters, sources, path, dates }),
  };
}
