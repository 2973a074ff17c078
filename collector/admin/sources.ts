import { Hono } from 'hono';
import { z } from 'zod';
import { withoutNul } from '../db/text.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { newWriteKey } from '../sources/store.js';
import { parseJson } from './parse-json.js';

const origin = z.union([z.literal('*'), z.url().transform((u) => new URL(u).origin)]);
const SourceFields = z.object({
  name: withoutNul(z.string().min(1).max(200)),
  allowedOrigins: z.array(origin).max(100),
  retentionDays: z.number().int().min(1).max(3650),
  requireConsent: z.boolean(),
});
const NewSourceInput = SourceFields.partial({ retentionDays: true, requireConsent: true }).extend({
  allowedOrigins: SourceFields.shape.allowedOrigins.default([]),
});
/** Only the fields sent change (a default here would reset them). */
const SourcePatch = SourceFields.partial();

export function sourceRoutes({ sources }: AppDeps) {
  const app = new Hono();

  app.post('/', async (c) => {
    const input = await parseJson(c, NewSourceInput);
    const source = await sources.create(input);
    return c.json(source, 201);
  });

  app.get('/', async (c) => c.json({ sources: await sources.list() }));

  app.get('/:id', async (c) => {
    const source = await sources.byId(c.req.param('id'));
    if (!source) throw new ApiError(404, 'source_not_found', 'No source with this id');
    return c.json(source);
  });

  app.patch('/:id', async (c) => {
    const patch = await parseJson(c, SourcePatch);
    const source = await sources.update(c.req.param('id'), patch);
    if (!source) throw new ApiError(404, 'source_not_found', 'No source with this id');
    return c.json(source);
  });

  app.post('/:id/rotate-key', async (c) => {
    const source = await sources.update(c.req.param('id'), { writeKey: newWriteKey() });
    if (!source) throw new ApiError(404, 'source_not_found', 'No source with this id');
    return c.json(source);
  });

  return app;
}
