import { and, desc, eq, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { events } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { parseWith } from './parse-json.js';

/** `?anonymousId=` (an unset variable in the caller's URL) is refused, not read as no filter. */
const filter = z.string().min(1).optional();
const Query = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  anonymousId: filter,
  userId: filter,
  sourceId: filter,
  event: filter,
});

export function eventRoutes({ database }: AppDeps) {
  const app = new Hono();

  app.get('/', async (c) => {
    const q = parseWith(Query, c.req.query());
    const where: SQL[] = [];
    if (q.anonymousId) where.push(eq(events.anonymousId, q.anonymousId));
    if (q.userId) where.push(eq(events.userId, q.userId));
    if (q.sourceId) where.push(eq(events.sourceId, q.sourceId));
    if (q.event) where.push(eq(events.event, q.event));
    const rows = await database.db
      .select()
      .from(events)
      .where(and(...where))
      .orderBy(desc(events.seq))
      .limit(q.limit);
    return c.json({ events: rows });
  });

  return app;
}
