import type { Client } from '@libsql/client';
import { type DerivedPruners, deleteInSlices } from '../privacy/retention.js';

const OF_SOURCE = 'segment_id IN (SELECT id FROM segments WHERE source_id = ?)';

/**
 * Retention of the segment engine's per-profile history: stays that ended before the cutoff
 * and webhook deliveries made before it that are done with (delivered, failed, refused,
 * cancelled).
 * Open memberships and pending deliveries stay whatever their age. A profile whose last exit
 * is pruned may re-enter before its segment's `reentryAfter` has passed since that exit.
 */
export function segmentHistoryPruners(client: Client): DerivedPruners {
  return {
    segmentMemberships: (sourceId, cutoff) =>
      deleteInSlices(
        client,
        `DELETE FROM segment_memberships WHERE id IN (SELECT id FROM segment_memberships
          WHERE ${OF_SOURCE} AND exited_at < ? LIMIT ?)`,
        [sourceId, cutoff],
      ),
    webhookDeliveries: (sourceId, cutoff) =>
      deleteInSlices(
        client,
        `DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries
          WHERE ${OF_SOURCE} AND status <> 'pending' AND created_at < ? LIMIT ?)`,
        [sourceId, cutoff],
      ),
  };
}
