import { DAY_MS, isoDay } from '../reports/scope.js';

/** The dashboard's shared query: which source and which days (UTC, both ends inclusive). */
export interface Filters {
  sourceId?: string;
  from: string;
  to: string;
  /** Epoch ms of `from` 00:00 UTC. */
  fromMs: number;
  /** Epoch ms just after `to` ends (exclusive bound). */
  toMs: number;
}

export const DEFAULT_DAYS = 7;
export const MAX_DAYS = 366;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(value: string | undefined): number | undefined {
  if (!value || !ISO_DAY.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Reads `?source=&from=&to=`; anything missing or malformed falls back to the last 7 days
 * ending today, a reversed range is swapped and a range is capped at a year.
 */
export function parseFilters(query: Record<string, string | undefined>, now: number): Filters {
  const today = parseDay(isoDay(now)) as number;
  let to = parseDay(query.to) ?? today;
  let from = parseDay(query.from) ?? to - (DEFAULT_DAYS - 1) * DAY_MS;
  if (from > to) [from, to] = [to, from];
  if (to - from > (MAX_DAYS - 1) * DAY_MS) from = to - (MAX_DAYS - 1) * DAY_MS;
  const sourceId = query.source?.trim() || undefined;
  return { sourceId, from: isoDay(from), to: isoDay(to), fromMs: from, toMs: to + DAY_MS };
}

/** The filters as a query string, to carry them across pages and links. */
export function filterQuery(f: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...(f.sourceId ? { source: f.sourceId } : {}) });
  params.set('from', f.from);
  params.set('to', f.to);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return `?${params}`;
}
