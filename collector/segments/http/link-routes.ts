import { Hono } from 'hono';
import { withUtm } from '../../../shared/utm-query.js';
import { parseJson } from '../../admin/parse-json.js';
import type { AppDeps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { resolveSegment } from './resolve.js';
import { LinkSchema } from './segment-schemas.js';

/** `POST /api/v1/links`: a URL tagged with a segment's UTM template. */
export function linkRoutes(deps: AppDeps) {
  const app = new Hono();
  app.post('/', async (c) => {
    const input = await parseJson(c, LinkSchema);
    const segment = await resolveSegment(deps, input.segment, input.sourceId);
    const { utm } = segment;
    if (!utm) {
      throw new ApiError(409, 'no_utm_template', `Segment "${segment.key}" has no UTM template`);
    }
    return c.json({ segment: segment.key, utm, url: withUtm(new URL(input.url), utm) });
  });
  return app;
}
