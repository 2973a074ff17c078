import { Hono } from 'hono';
import { z } from 'zod';
import type { Rule } from '../../../shared/segment-rules.js';
import { parseJson, parseWith } from '../../admin/parse-json.js';
import type { AppDeps } from '../../deps.js';
import { ApiError, stackOf } from '../../errors.js';
import { orderByDependencies, SegmentCycleError } from '../dependencies.js';
import { createSegmentQueries } from '../queries.js';
import { referencedSegments } from '../rule-leaves.js';
import { compile } from '../segment-store.js';
import { WEBHOOK_URL_NOT_ALLOWED, webhookUrlRefusal } from '../webhook-url-guard.js';
import { exportResponse } from './export.js';
import { resolveSegment, resolveSource } from './resolve.js';
import {
  ExportQuery,
  MembersQuery,
  PreviewSchema,
  SegmentCreateSchema,
  SegmentPatchSchema,
} from './segment-schemas.js';
import { segmentView } from './segment-view.js';

const SourceQuery = z.object({ sourceId: z.string().optional() });

/**
 * Keys a new segment may not take: the literal paths beside `/:key` here and under
 * /app/segments, which would answer instead of the segment (`GET /overlap`).
 */
export const RESERVED_SEGMENT_KEYS: readonly string[] = ['overlap', 'preview'];

/** `/api/v1/segments`: definitions, preview, size and trend, members, exports, overlap. */
export function segmentRoutes(deps: AppDeps) {
  const { segments, segmentEngine, now, database } = deps;
  const queries = createSegmentQueries(database.client);
  const app = new Hono();

  /** Unknown references and cycles are refused before anything is stored. */
  async function checkReferences(sourceId: string, key: string, rule: Rule) {
    const others = (await segments.ofSource(sourceId)).filter((s) => s.key !== key);
    const keys = new Set([...others.map((s) => s.key), key]);
    for (const ref of referencedSegments(rule)) {
      if (!keys.has(ref))
        throw new ApiError(400, 'unknown_segment', `rule refers to unknown segment "${ref}"`);
    }
    try {
      orderByDependencies([...others.map(compile), { key, rule }]);
    } catch (err) {
      if (err instanceof SegmentCycleError)
        throw new ApiError(400, 'segment_cycle', err.message, err.path);
      throw err;
    }
  }

  /** Webhooks may not target the collector's own network (SSRF) unless the operator allows it. */
  async function checkWebhookUrl(url: string | null | undefined) {
    const refused = url ? await webhookUrlRefusal(url, deps.allowPrivateWebhooks) : undefined;
    if (refused) {
      throw new ApiError(
        400,
        WEBHOOK_URL_NOT_ALLOWED,
        `webhookUrl not allowed: ${refused.message}`,
      );
    }
  }

  /** Runs after the answer; unhandled, a failure (the engine's thread gone) ends the process. */
  const recompute = (sourceId: string, segmentId: string) => {
    segmentEngine.rulesChanged(sourceId);
    segmentEngine.recompute(sourceId, [segmentId]).catch((err: unknown) => {
      deps.log('segment recompute failed', { segmentId, error: stackOf(err) });
    });
  };

  app.get('/', async (c) => {
    const { sourceId } = parseWith(SourceQuery, c.req.query());
    const rows = sourceId ? await segments.ofSource(sourceId) : await segments.list();
    const sizes = await queries.sizes(rows.map((r) => r.id));
    return c.json({ segments: rows.map((r) => segmentView(r, sizes.get(r.id) ?? 0)) });
  });

  app.post('/', async (c) => {
    const input = await parseJson(c, SegmentCreateSchema);
    if (RESERVED_SEGMENT_KEYS.includes(input.key)) {
      throw new ApiError(400, 'segment_key_reserved', `"${input.key}" is a path here, not a key`);
    }
    const source = await resolveSource(deps, input.sourceId);
    if (await segments.byKey(source.id, input.key)) {
      throw new ApiError(409, 'segment_exists', `Segment "${input.key}" already exists`);
    }
    await checkReferences(source.id, input.key, input.rule);
    await checkWebhookUrl(input.webhookUrl);
    const row = await segments.create(source.id, input);
    recompute(source.id, row.id);
    return c.json(segmentView(row, 0), 201);
  });

  app.post('/preview', async (c) => {
    const input = await parseJson(c, PreviewSchema);
    const source = await resolveSource(deps, input.sourceId);
    return c.json(await segmentEngine.preview(source.id, input.rule, input.sampleSize));
  });

  app.get('/overlap', async (c) => {
    const q = parseWith(
      SourceQuery.extend({ a: z.string().min(1), b: z.string().min(1) }),
      c.req.query(),
    );
    const a = await resolveSegment(deps, q.a, q.sourceId);
    // B of A's source: the same profile id in two sources names two different people.
    const b = await resolveSegment(deps, q.b, a.sourceId);
    const sizes = await queries.overlap(a.id, b.id);
    return c.json({
      a: { key: q.a, size: sizes.a },
      b: { key: q.b, size: sizes.b },
      both: sizes.both,
    });
  });

  app.get('/:key', async (c) => {
    const { sourceId } = parseWith(SourceQuery, c.req.query());
    const row = await resolveSegment(deps, c.req.param('key'), sourceId);
    const size = (await queries.sizes([row.id])).get(row.id) ?? 0;
    return c.json({ ...segmentView(row, size), trend: await queries.trend(row.id, now()) });
  });

  app.patch('/:key', async (c) => {
    const { sourceId } = parseWith(SourceQuery, c.req.query());
    const row = await resolveSegment(deps, c.req.param('key'), sourceId);
    const patch = await parseJson(c, SegmentPatchSchema);
    if (patch.rule) await checkReferences(row.sourceId, row.key, patch.rule);
    await checkWebhookUrl(patch.webhookUrl);
    const updated = await segments.update(row.id, patch);
    if (!updated) throw new ApiError(404, 'segment_not_found', 'Segment was deleted');
    if (patch.rule || patch.reentryAfter !== undefined) recompute(row.sourceId, row.id);
    // The engine's cached rules carry the URL: new flips must go to the new one, or nowhere.
    else if (patch.webhookUrl !== undefined) segmentEngine.rulesChanged(row.sourceId);
    return c.json(segmentView(updated));
  });

  app.delete('/:key', async (c) => {
    const { sourceId } = parseWith(SourceQuery, c.req.query());
    const row = await resolveSegment(deps, c.req.param('key'), sourceId);
    const dependents = (await segments.ofSource(row.sourceId)).filter((s) =>
      referencedSegments(s.rule).includes(row.key),
    );
    if (dependents.length) {
      throw new ApiError(
        409,
        'segment_in_use',
        `Used by: ${dependents.map((s) => s.key).join(', ')}`,
      );
    }
    await segments.remove(row.id);
    await segmentEngine.segmentDeleted(row.sourceId, row.id);
    return c.body(null, 204);
  });

  app.get('/:key/members', async (c) => {
    const q = parseWith(MembersQuery, c.req.query());
    const row = await resolveSegment(deps, c.req.param('key'), q.sourceId);
    const page = await queries.members(row.id, q.cursor, q.limit);
    const members = page.map(({ cursor: _, ...m }) => m);
    const next = page.length === q.limit ? page[page.length - 1]?.cursor : undefined;
    return c.json({ members, nextCursor: next ?? null });
  });

  app.get('/:key/export', async (c) => {
    const q = parseWith(ExportQuery, c.req.query());
    const row = await resolveSegment(deps, c.req.param('key'), q.sourceId);
    const source = await resolveSource(deps, row.sourceId);
    return exportResponse(queries, row, q.format, q, {
      required: source.requireConsent,
      now: now(),
    });
  });

  app.get('/:key/webhooks', async (c) => {
    const { sourceId } = parseWith(SourceQuery, c.req.query());
    const row = await resolveSegment(deps, c.req.param('key'), sourceId);
    return c.json({ deliveries: await queries.deliveries(row.id, 100) });
  });

  return app;
}
