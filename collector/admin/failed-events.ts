import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { failedEvents } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { parseJsonText } from '../ingest/body.js';
import { createIngest, isRecord } from '../ingest/ingest-events.js';
import { NO_SENDER } from '../ingest/sender.js';
import { parseWith } from './parse-json.js';

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  // Empty is refused, not read as no filter.
  sourceId: z.string().min(1).optional(),
  code: z.string().min(1).optional(),
  /** Page on: ids below this one. */
  before: z.coerce.number().int().optional(),
});
const Id = z.coerce.number().int().min(1);

/** Rejected events with their reason and raw payload; a fixed sender's events can be replayed. */
export function failedEventRoutes(deps: AppDeps) {
  const { database, sources, suppressions } = deps;
  const ingestEvents = createIngest(deps);
  const app = new Hono();

  app.get('/', async (c) => {
    const q = parseWith(Query, c.req.query());
    const where: SQL[] = [];
    if (q.sourceId) where.push(eq(failedEvents.sourceId, q.sourceId));
    if (q.code) where.push(eq(failedEvents.code, q.code));
    if (q.before) where.push(lt(failedEvents.id, q.before));
    const rows = await database.db
      .select()
      .from(failedEvents)
      .where(and(...where))
      .orderBy(desc(failedEvents.id))
      .limit(q.limit);
    return c.json({ failedEvents: rows });
  });

  /**
   * Runs the stored payload through ingestion again (after a validation fix, say). Stored
   * and removed from the list when it passes now; otherwise 422 and the row stays.
   */
  app.post('/:id/replay', async (c) => {
    const id = parseWith(Id, c.req.param('id'));
    const row = await database.db.query.failedEvents.findFirst({
      where: eq(failedEvents.id, id),
    });
    if (!row) throw new ApiError(404, 'failed_event_not_found', 'No failed event with this id');
    const source = row.sourceId ? await sources.byId(row.sourceId) : undefined;
    if (!source)
      throw new ApiError(409, 'source_gone', 'The source of this event no longer exists');
    // Rows stored before ingest replaced lone surrogates may still hold them (as \ud800).
    const payload = parseJsonText(row.payload);
    // A payload without messageId gets one of its own row: replayed twice (a double click, a
    // retry after a timeout), it is stored once.
    const raw =
      isRecord(payload) && payload.messageId === undefined
        ? { ...payload, messageId: `replay-${row.id}` }
        : payload;
    const result = await ingestEvents(
      { raws: [raw], measure: true, recordFailures: false, receivedAt: row.receivedAt },
      { ...NO_SENDER, source, ipTruncated: null, suppressions },
    );
    if (result.rejected.length) {
      throw new ApiError(422, 'still_invalid', 'The event is still rejected', result.rejected);
    }
    await database.db.delete(failedEvents).where(eq(failedEvents.id, id));
    return c.json(result);
  });

  return app;
}
