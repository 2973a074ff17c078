import type { InValue } from '@libsql/client';

/** What a report covers: one source or all, and a time range on event time (epoch ms). */
export interface Scope {
  sourceId?: string;
  /** Inclusive. */
  fromMs: number;
  /** Exclusive. */
  toMs: number;
}

export const DAY_MS = 86_400_000;
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Every UTC day the scope touches, so series show empty days as zero. */
export function daysOf(scope: Pick<Scope, 'fromMs' | 'toMs'>): string[] {
  const days: string[] = [];
  for (let t = scope.fromMs - (scope.fromMs % DAY_MS); t < scope.toMs; t += DAY_MS) {
    days.push(isoDay(t));
  }
  return days;
}

/** `WHERE` conditions (without the keyword) restricting rows to the scope. */
export function scopeWhere(scope: Scope, timeColumn = 'timestamp', sourceColumn = 'source_id') {
  const args: InValue[] = [scope.fromMs, scope.toMs];
  let sql = `${timeColumn} >= ? AND ${timeColumn} < ?`;
  if (scope.sourceId) {
    sql += ` AND ${sourceColumn} = ?`;
    args.push(scope.sourceId);
  }
  return { sql, args };
}

/** A visitor is their anonymous id, or the user id for server-side events that lack one. */
export const VISITOR = 'coalesce(anonymous_id, user_id)';
export const DAY_OF = (column: string) => `strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`;

export const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
