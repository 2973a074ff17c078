import { randomUUID } from 'node:crypto';
import type { Client, InStatement } from '@libsql/client';
import { splitProfileId } from './identity.js';
import type { MembershipState } from './membership.js';
import type { CompiledRow } from './segment-store.js';

export interface StoredState extends MembershipState {
  /** Stored next check; undefined when the engine has not seen the profile. */
  nextCheckAt?: number | null;
}

/** Shared by every state without exits (most of them), so never mutated. */
const NO_EXITS: ReadonlyMap<string, number> = new Map();

const NOT_IN_ANY: readonly string[] = [];

/**
 * What the store knows of profiles' memberships: the keys of the segments each is in (a
 * small array: one map lookup per profile, no set per profile), last exits, next checks.
 */
export class MembershipStates {
  private readonly current = new Map<string, string[]>();
  private readonly exits = new Map<string, Map<string, number>>();
  private readonly checks = new Map<string, number | null>();

  addMember(profileId: string, key: string) {
    const keys = this.current.get(profileId);
    if (keys) keys.push(key);
    else this.current.set(profileId, [key]);
  }

  addExit(profileId: string, key: string, at: number) {
    const last = this.exits.get(profileId) ?? new Map<string, number>();
    this.exits.set(profileId, last);
    last.set(key, Math.max(at, last.get(key) ?? 0));
  }

  /** `into` also counts the exits of `from` (an anonymous profile merged into its user). */
  addExitsOf(from: string, into: string) {
    for (const [key, at] of this.exits.get(from) ?? NO_EXITS) this.addExit(into, key, at);
  }

  setCheck(profileId: string, at: number | null) {
    this.checks.set(profileId, at);
  }

  stateOf(profileId: string): StoredState {
    return {
      current: this.current.get(profileId) ?? NOT_IN_ANY,
      lastExitAt: this.exits.get(profileId) ?? NO_EXITS,
      nextCheckAt: this.checks.has(profileId) ? this.checks.get(profileId) : undefined,
    };
  }

  /** Every profile with a membership, an exit or a next check. */
  profileIds(): Set<string> {
    const all = new Set(this.checks.keys());
    for (const id of this.current.keys()) all.add(id);
    for (const id of this.exits.keys()) all.add(id);
    return all;
  }
}

/** Current memberships, last exits and stored next check of the given profiles. */
export async function loadStates(
  client: Client,
  sourceId: string,
  profileIds: string[],
  segments: readonly CompiledRow[],
): Promise<MembershipStates> {
  const keyById = new Map(segments.map((s) => [s.id, s.key]));
  const states = new MembershipStates();
  for (let i = 0; i < profileIds.length; i += 10_000) {
    const list = JSON.stringify(profileIds.slice(i, i + 10_000));
    // Packed into one string per query, every field ended by \x1f, as in load-facts.ts.
    const r = await client.batch(
      [
        {
          sql: `SELECT group_concat(concat(segment_id, x'1f', profile_id, x'1f', open_id, x'1f',
              last_exit, x'1f'), '') FROM (
            SELECT segment_id, profile_id, max(CASE WHEN exited_at IS NULL THEN id END) AS open_id,
              max(exited_at) AS last_exit FROM segment_memberships
            WHERE source_id = ? AND profile_id IN (SELECT value FROM json_each(?))
            GROUP BY segment_id, profile_id)`,
          args: [sourceId, list],
        },
        {
          sql: `SELECT group_concat(concat(profile_id, x'1f', next_check_at, x'1f'), '')
            FROM segment_profiles WHERE source_id = ? AND profile_id IN (SELECT value FROM json_each(?))`,
          args: [sourceId, list],
        },
      ],
      'read',
    );
    addPackedMemberships(states, r[0]?.rows[0]?.[0], keyById);
    addPackedChecks(states, r[1]?.rows[0]?.[0]);
  }
  return states;
}

/** Rows of `segment_id, profile_id, open id (or ''), last exit (or '')`. */
function addPackedMemberships(
  states: MembershipStates,
  packed: unknown,
  keyById: Map<string, string>,
) {
  if (typeof packed !== 'string') return;
  const f = packed.split('\x1f');
  for (let i = 0; i + 4 <= f.length; i += 4) {
    const key = keyById.get(f[i] as string);
    if (!key) continue;
    const profileId = f[i + 1] as string;
    if (f[i + 2]) states.addMember(profileId, key);
    const lastExit = f[i + 3];
    if (lastExit) states.addExit(profileId, key, Number(lastExit));
  }
}

function addPackedChecks(states: MembershipStates, packed: unknown) {
  if (typeof packed !== 'string') return;
  const f = packed.split('\x1f');
  for (let i = 0; i + 2 <= f.length; i += 2) {
    states.setCheck(f[i] as string, f[i + 1] ? Number(f[i + 1]) : null);
  }
}

/**
 * Every profile's state in a source, for a full recompute: open memberships through the
 * partial index, and only the exits recent enough to matter for a re-entry cool-down.
 */
export async function loadSourceStates(
  client: Client,
  sourceId: string,
  segments: readonly CompiledRow[],
  now: number,
): Promise<MembershipStates> {
  const keyById = new Map(segments.map((s) => [s.id, s.key]));
  const cooling = segments.filter((s) => s.reentryAfterMs !== undefined);
  const since = now - Math.max(0, ...cooling.map((s) => s.reentryAfterMs as number));
  const r = await client.batch(
    [
      {
        // One row per segment, walking the open-membership partial index in order (the
        // planner otherwise picks (segment_id, exited_at) and looks every row up: 2× slower).
        sql: `SELECT segment_id, group_concat(profile_id, x'1e')
          FROM segment_memberships INDEXED BY memberships_open WHERE segment_id IN (SELECT value FROM json_each(?)) AND exited_at IS NULL
          GROUP BY segment_id`,
        args: [JSON.stringify(segments.map((s) => s.id))],
      },
      {
        sql: `SELECT group_concat(concat(segment_id, x'1f', profile_id, x'1f', x'1f', exited_at, x'1f'), '')
          FROM segment_memberships WHERE segment_id IN (SELECT value FROM json_each(?)) AND exited_at >= ?`,
        args: [JSON.stringify(cooling.map((s) => s.id)), since],
      },
      {
        sql: `SELECT group_concat(concat(profile_id, x'1f', next_check_at, x'1f'), '')
          FROM segment_profiles WHERE source_id = ?`,
        args: [sourceId],
      },
    ],
    'read',
  );
  const states = new MembershipStates();
  addPackedChecks(states, r[2]?.rows[0]?.[0]);
  addPackedMemberships(states, r[1]?.rows[0]?.[0], keyById);
  for (const row of r[0]?.rows ?? []) {
    const key = keyById.get(String(row[0]));
    if (!key || typeof row[1] !== 'string') continue;
    for (const profileId of row[1].split('\x1e')) states.addMember(profileId, key);
  }
  return states;
}

export interface Flip {
  segment: CompiledRow;
  profileId: string;
  kind: 'enter' | 'exit';
  reason: string;
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
    /** The same in every attempt: receivers drop a repeat (an answer lost on the way back). */
    deliveryId: randomUUID(),
  };
}

/** Flips, next checks and webhook deliveries of one evaluation pass, for one transaction. */
export function flipStatements(
  sourceId: string,
  flips: Flip[],
  checks: [profileId: string, nextCheckAt: number | null][],
  now: number,
): InStatement[] {
  const stmts: InStatement[] = [];
  const exits = new Map<string, [string, string][]>();
  for (const f of flips) {
    if (f.kind === 'exit')
      exits.set(f.reason, [...(exits.get(f.reason) ?? []), [f.segment.id, f.profileId]]);
  }
  for (const [reason, pairs] of exits) {
    stmts.push({
      sql: `UPDATE segment_memberships SET exited_at = ?, exit_reason = ? WHERE id IN (
          SELECT m.id FROM json_each(?) j JOIN segment_memberships m
          ON m.segment_id = j.value->>0 AND m.profile_id = j.value->>1 AND m.exited_at IS NULL)`,
      args: [now, reason, JSON.stringify(pairs)],
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
  // In key order: the upserts then walk the table's pages in order.
  checks.sort(([a], [b]) => (a < b ? -1 : 1));
  for (let i = 0; i < checks.length; i += 5000) {
    stmts.push({
      sql: `INSERT INTO segment_profiles (source_id, profile_id, next_check_at, evaluated_at)
        SELECT ?, value->>0, value->>1, ? FROM json_each(?) WHERE true
        ON CONFLICT (source_id, profile_id) DO UPDATE
        SET next_check_at = excluded.next_check_at, evaluated_at = excluded.evaluated_at`,
      args: [sourceId, now, JSON.stringify(checks.slice(i, i + 5000))],
    });
  }
  return stmts;
}

/** Forgets the engine's next check of profiles merged into a user. */
export const forgetProfilesStatement = (sourceId: string, profileIds: string[]): InStatement => ({
  sql: 'DELETE FROM segment_profiles WHERE source_id = ? AND profile_id IN (SELECT value FROM json_each(?))',
  args: [sourceId, JSON.stringify(profileIds)],
});

/** Asks the sweep to evaluate profiles again at `at` (their facts changed outside catch-up). */
export const recheckStatement = (
  sourceId: string,
  profileIds: string[],
  at: number,
): InStatement => ({
  sql: `UPDATE segment_profiles SET next_check_at = ? WHERE source_id = ?
    AND profile_id IN (SELECT value FROM json_each(?))`,
  args: [at, sourceId, JSON.stringify(profileIds)],
});

export async function deleteSegmentData(client: Client, segmentId: string): Promise<void> {
  await client.batch(
    [
      { sql: 'DELETE FROM segment_memberships WHERE segment_id = ?', args: [segmentId] },
      { sql: 'DELETE FROM webhook_deliveries WHERE segment_id = ?', args: [segmentId] },
    ],
    'write',
  );
}
