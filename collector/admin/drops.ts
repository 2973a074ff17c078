import { and, asc, eq, gte, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { eventDrops } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { parseWith } from './parse-json.js';

const Query = z.object({
  sourceId: z.string().optional(),
  since: z.iso.date().optional(),
});

/** `GET /api/v1/drops`: events accepted but not stored, per source, day and reason. */
export function dropRoutes({ database, drops }: AppDeps) {
  const app = new Hono();
  app.get('/', async (c) => {
    const q = parseWith(Query, c.req.query());
    await drops.flush();
    const where: SQL[] = [];
    if (q.sourceId) where.push(eq(eventDrops.sourceId, q.sourceId));
    if (q.since) where.push(gte(eventDrops.day, q.since));
    const rows = await database.db
      .select()
      .from(eventDrops)
      .where(and(...where))
      .orderBy(asc(eventDrops.day), asc(eventDrops.sourceId), asc(eventDrops.reason));
    return c.json({ drops: rows });
  });
  return app;
}
