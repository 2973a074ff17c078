import type { Client } from '@libsql/client';
import { num } from './scope.js';

export interface MemberRow {
  profileId: string;
  enteredAt: number;
}

/**
 * One page of a segment's current members, newest entries first, optionally only profile
 * ids containing `search` (case-insensitive), with the total for the pager.
 */
export async function segmentMembersPage(
  client: Client,
  segmentId: string,
  opts: { search?: string; offset: number; limit: number },
): Promise<{ members: MemberRow[]; total: number }> {
  const search = opts.search?.trim();
  const where = `segment_id = ? AND exited_at IS NULL${search ? ' AND instr(lower(profile_id), lower(?)) > 0' : ''}`;
  const args = search ? [segmentId, search] : [segmentId];
  const total = await client.execute({
    sql: `SELECT count(*) AS n FROM segment_memberships WHERE ${where}`,
    args,
  });
  const rows = await client.execute({
    sql: `SELECT profile_id, entered_at FROM segment_memberships WHERE ${where}
           ORDER BY entered_at DESC, id DESC LIMIT ? OFFSET ?`,
    args: [...args, opts.limit, opts.offset],
  });
  return {
    total: num(total.rows[0]?.n),
    members: rows.rows.map((r) => ({
      profileId: String(r.profile_id),
      enteredAt: num(r.entered_at),
    })),
  };
}
