import { Hono } from 'hono';
import { z } from 'zod';
import { CONSENT_CATEGORIES } from '../../shared/consent.js';
import { parseWith } from '../admin/parse-json.js';
import type { AppDeps } from '../deps.js';

const Query = z.object({
  sourceId: z.string().optional(),
  days: z.coerce.number().int().min(1).max(3650).default(30),
});
const DAY = 86_400_000;
const categories = CONSENT_CATEGORIES.filter((c) => c !== 'necessary');

/** `GET /api/v1/consent/stats`: decisions per day and the share granting each category. */
export function consentStatsRoutes({ database, now }: AppDeps) {
  const app = new Hono();
  app.get('/stats', async (c) => {
    const q = parseWith(Query, c.req.query());
    const granted = categories
      .map((cat) => `sum(coalesce(json_extract(categories, '$.${cat}'), 0) = 1) AS ${cat}`)
      .join(', ');
    const { rows } = await database.client.execute({
      sql: `SELECT date(received_at / 1000, 'unixepoch') AS day, count(*) AS decisions, ${granted}
        FROM consent_records WHERE received_at >= ? AND (? IS NULL OR source_id = ?)
        GROUP BY day ORDER BY day`,
      args: [now() - q.days * DAY, q.sourceId ?? null, q.sourceId ?? null],
    });
    const days = rows.map((row) => {
      const decisions = Number(row.decisions);
      const optIn = Object.fromEntries(
        categories.map((cat) => {
          const n = Number(row[cat]);
          return [cat, { granted: n, rate: decisions ? n / decisions : 0 }];
        }),
      );
      return { day: String(row.day), decisions, optIn };
    });
    return c.json({ days });
  });
  return app;
}
