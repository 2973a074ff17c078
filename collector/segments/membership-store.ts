import type { Client, InStatement } from '@libsql/client';
import { splitProfileId } from './identity.js';
import type { MembershipState } from './membership.js';
import type { CompiledRow } from './segment-store.js';

export interface StoredState extends MembershipState {
  /** Open membership row id per segment key. */
  openIds: Map<string, number>;
}

const emptyState = (): StoredState => ({
  current: new Set(),
  lastExitAt: new Map(),
  openIds: new Map(),
});

/** Current memberships and last exits of the given profiles, by segment key. */
export async function loadStates(
  client: Client,
  sourceId: string,
  profileIds: string[],
  segments: readonly CompiledRow[],
): Promise<Map<string, StoredState>> {
  const keyById = new Map(segments.map((s) => [s.id, s.key]));
  const states = new Map<string, StoredState>();
  for (let i = 0; i < profileIds.length; i += 5000) {
    const r = await client.execute({
      sql: `SELECT segment_id, profile_id, max(CASE WHEN exited_at IS NULL THEN id END), max(exited_at)
        FROM segment_memberships WHERE source_id = ? AND profile_id IN (SELECT value FROM json_each(?))
        GROUP BY segment_id, profile_id`,
      args: [sourceId, JSON.stringify(profileIds.slice(i, i + 5000))],
    });
    for (const row of r.rows) {
      const segmentId = String(row[0]);
      const profileId = String(row[1]);
      const openId = row[2] as number | null;
      const lastExit = row[3] as number | null;
      const key = keyById.get(segmentId);
      if (!key) continue;
      const state = states.get(profileId) ?? emptyState();
      states.set(profileId, state);
      if (openId !== null) {
        (state.current as Set<string>).add(key);
        state.openIds.set(key, openId);
      }
      if (lastExit !== null) (state.lastExitAt as Map<string, number>).set(key, lastExit);
    }
  }
  return states;
}

export function stateOf(states: Map<string, StoredState>, profileId: string): StoredState {
  return states.get(profileId) ?? emptyState();
}

export interface Flip {
  segment: CompiledRow;
  profileId: string;
  kind: 'enter' | 'exit';
  reason: string;
  /** For exits: the open membership row. */
  membershipId?: number;
}

export function webhookPayload(flip: Flip, sourceId: string, at: number) {
  return {
    type: flip.kind === 'enter' ? 'segment.entered' : 'segment.exited',
    sourceId,
    segment: flip.segment.key,
    profileId: flip.profileId,
    ...splitProfileId(flip.profileId),
    reason: flip.reason,
    at: new Date(at).toISOString(),
  };
}

/** Writes flips, next checks and webhook deliveries of one evaluation pass atomically. */
export async function writeFlips(
  client: Client,
  sourceId: string,
  flips: Flip[],
  checks: [profileId: string, nextCheckAt: number | null][],
  now: number,
): Promise<void> {
  const stmts: InStatement[] = [];
  const exits = flips.filter((f) => f.kind === 'exit');
  const byReason = new Map<string, number[]>();
  for (const f of exits)
    byReason.set(f.reason, [...(byReason.get(f.reason) ?? []), f.membershipId as number]);
  for (const [reason, ids] of byReason) {
    stmts.push({
      sql: `UPDATE segment_memberships SET exited_at = ?, exit_reason = ?
        WHERE id IN (SELECT value FROM json_each(?)) AND exited_at IS NULL`,
      args: [now, reason, JSON.stringify(ids)],
    });
  }
  const enters = flips.filter((f) => f.kind === 'enter').map((f) => [f.segment.id, f.profileId]);
  if (enters.length) {
    stmts.push({
      sql: `INSERT INTO segment_memberships (segment_id, source_id, profile_id, entered_at)
        SELECT value->>0, ?, value->>1, ? FROM json_each(?)`,
      args: [sourceId, now, JSON.stringify(enters)],
    });
  }
  const hooks = flips
    .filter((f) => f.segment.webhookUrl)
    .map((f) => [
      f.segment.id,
      f.profileId,
      f.kind,
      JSON.stringify(webhookPayload(f, sourceId, now)),
    ]);
  if (hooks.length) {
    stmts.push({
      sql: `INSERT INTO webhook_deliveries (segment_id, profile_id, kind, payload, status, next_attempt_at, created_at)
        SELECT value->>0, value->>1, value->>2, value->>3, 'pending', ?, ? FROM json_each(?)`,
      args: [now, now, JSON.stringify(hooks)],
    });
  }
  for (let i = 0; i < checks.length; i += 5000) {
    stmts.push({
      sql: `INSERT INTO segment_profiles (source_id, profile_id, next_check_at, evaluated_at)
        SELECT ?, value->>0, value->>1, ? FROM json_each(?) WHERE true
        ON CONFLICT (source_id, profile_id) DO UPDATE
        SET next_check_at = excluded.next_check_at, evaluated_at = excluded.evaluated_at`,
      args: [sourceId, now, JSON.stringify(checks.slice(i, i + 5000))],
    });
  }
  if (stmts.length) await client.batch(stmts, 'write');
}

/**
 * Erases everything the segment engine keeps about a person (memberships with history,
 * pending webhooks, next checks, identity links). Call with the user id and/or anonymous
 * ids being erased; profile erasure (DELETE /api/v1/profiles/:id) uses this.
 */
export async function eraseSegmentData(
  client: Client,
  sourceId: string,
  ids: { userId?: string; anonymousIds?: string[] },
): Promise<void> {
  const profiles = [
    ...(ids.userId ? [`u:${ids.userId}`] : []),
    ...(ids.anonymousIds ?? []).map((a) => `a:${a}`),
  ];
  const list = JSON.stringify(profiles);
  const anons = JSON.stringify(ids.anonymousIds ?? []);
  const inList = 'IN (SELECT value FROM json_each(?))';
  await client.batch(
    [
      {
        sql: `DELETE FROM segment_memberships WHERE source_id = ? AND profile_id ${inList}`,
        args: [sourceId, list],
      },
      {
        sql: `DELETE FROM segment_profiles WHERE source_id = ? AND profile_id ${inList}`,
        args: [sourceId, list],
      },
      {
        sql: `DELETE FROM webhook_deliveries WHERE profile_id ${inList}
          AND segment_id IN (SELECT id FROM segments WHERE source_id = ?)`,
        args: [list, sourceId],
      },
      {
        sql: `DELETE FROM profile_links WHERE source_id = ? AND (user_id = ? OR anonymous_id ${inList})`,
        args: [sourceId, ids.userId ?? null, anons],
      },
    ],
    'write',
  );
}

export async function deleteSegmentData(client: Client, segmentId: string): Promise<void> {
  await client.batch(
    [
      { sql: 'DELETE FROM segment_memberships WHERE segment_id = ?', args: [segmentId] },
      { sql: 'DELETE FROM webhook_deliveries WHERE segment_id = ?', args: [segmentId] },
    ],
    'write',
  );
}
