import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { eraseProfile, exportProfile } from '../privacy/profiles.js';
import { parseWith } from './parse-json.js';

const Scope = z.object({ sourceId: z.string().min(1).optional() });

/** Privacy requests for one user or anonymous id (in every source, or `?sourceId=`). */
export function profileRoutes({
  database,
  writer,
  suppressions,
  now,
  log,
  segmentEngine,
}: AppDeps) {
  const app = new Hono();

  app.get('/:id/export', async (c) => {
    const { sourceId } = parseWith(Scope, c.req.query());
    return c.json(await exportProfile(database.client, c.req.param('id'), sourceId));
  });

  app.delete('/:id', async (c) => {
    const { sourceId } = parseWith(Scope, c.req.query());
    const erasure = {
      client: database.client,
      writer,
      suppressions,
      now,
      exclusive: segmentEngine.exclusive,
    };
    const result = await eraseProfile(erasure, c.req.param('id'), sourceId);
    log('profile erased', { erased: result.erased, sourceId });
    return c.json(result);
  });

  return app;
}
