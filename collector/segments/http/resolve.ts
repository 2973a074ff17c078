import type { AppDeps } from '../../deps.js';
import { ApiError } from '../../errors.js';

/** The source a request means: the given id, or the only source there is. */
export async function resolveSource({ sources }: AppDeps, sourceId?: string) {
  if (sourceId) {
    const source = await sources.byId(sourceId);
    if (!source) throw new ApiError(404, 'source_not_found', 'No source with this id');
    return source;
  }
  const all = await sources.list();
  if (all.length === 1) return all[0] as (typeof all)[number];
  throw new ApiError(400, 'source_required', 'Several sources exist: pass sourceId');
}

/** A segment by key; without sourceId the key must be unique across sources. */
export async function resolveSegment({ segments }: AppDeps, key: string, sourceId?: string) {
  const found = (await segments.withKey(key)).filter((s) => !sourceId || s.sourceId === sourceId);
  if (found.length === 0) throw new ApiError(404, 'segment_not_found', `No segment "${key}"`);
  if (found.length > 1) {
    throw new ApiError(
      400,
      'source_required',
      `Several sources have a segment "${key}": pass sourceId`,
    );
  }
  return found[0] as (typeof found)[number];
}
