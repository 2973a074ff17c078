import type { SegmentRow } from '../segment-store.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A segment as the API shows it. */
export function segmentView(row: SegmentRow, size?: number) {
  return {
    id: row.id,
    sourceId: row.sourceId,
    key: row.key,
    name: row.name,
    description: row.description,
    rule: row.rule,
    reentryAfter: row.reentryAfter,
    utm: row.utm,
    webhook: row.webhookUrl ? { url: row.webhookUrl, secret: row.webhookSecret } : null,
    template: row.template,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    lastComputedAt: iso(row.lastComputedAt),
    lastError: row.lastError,
    recompute:
      row.recomputeTotal === null
        ? null
        : { done: row.recomputeDone ?? 0, total: row.recomputeTotal },
    ...(size === undefined ? {} : { size }),
  };
}
