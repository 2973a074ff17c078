import type { Client, InValue, Row } from '@libsql/client';
import { num } from './scope.js';

export interface EventItem {
  seq: number;
  sourceId: string;
  type: string;
  event: string | null;
  anonymousId: string | null;
  userId: string | null;
  timestamp: number;
  receivedAt: number;
  properties: Record<string, unknown> | null;
  traits: Record<string, unknown> | null;
}

export interface FailedItem {
  id: number;
  sourceId: string | null;
  receivedAt: number;
  code: string;
  message: string;
  /** The rejected payload, cut to a readable length. */
  payload: string;
}

const PAYLOAD_CHARS = 500;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : null);

export const EVENT_COLUMNS =
  'seq, source_id, type, event, anonymous_id, user_id, timestamp, received_at, properties, traits';

export function toEventItem(r: Row): EventItem {
  return {
    seq: num(r.seq),
    sourceId: String(r.source_id),
    type: String(r.type),
    event: str(r.event),
    anonymousId: str(r.anonymous_id),
    userId: str(r.user_id),
    timestamp: num(r.timestamp),
    receivedAt: num(r.received_at),
    properties: json(r.properties),
    traits: json(r.traits),
  };
}

const sourceFilter = (sourceId: string | undefined, args: InValue[]) => {
  if (!sourceId) return '';
  args.push(sourceId);
  return 'AND source_id = ?';
};

/** The newest stored events, newest first (by arrival). */
export async function newestEvents(client: Client, opts: { sourceId?: string; limit: number }) {
  const args: InValue[] = [];
  const where = sourceFilter(opts.sourceId, args);
  const r = await client.execute({
    sql: `SELECT ${EVENT_COLUMNS} FROM events WHERE 1 ${where} ORDER BY seq DESC LIMIT ?`,
    args: [...args, opts.limit],
  });
  return r.rows.map(toEventItem);
}

/** Events that arrived after `afterSeq`, oldest first: what a live stream sends next. */
export async function eventsAfter(
  client: Client,
  opts: { sourceId?: string; afterSeq: number; limit: number },
) {
  const args: InValue[] = [opts.afterSeq];
  const where = sourceFilter(opts.sourceId, args);
  const r = await client.execute({
    sql: `SELECT ${EVENT_COLUMNS} FROM events WHERE seq > ? ${where} ORDER BY seq LIMIT ?`,
    args: [...args, opts.limit],
  });
  return r.rows.map(toEventItem);
}

function toFailed(r: Row): FailedItem {
  const payload = String(r.payload);
  return {
    id: num(r.id),
    sourceId: str(r.source_id),
    receivedAt: num(r.received_at),
    code: String(r.code),
    message: String(r.message),
    payload: payload.length > PAYLOAD_CHARS ? `${payload.slice(0, PAYLOAD_CHARS)}…` : payload,
  };
}

/** Rejected events with their reasons; newest first, or oldest first after `afterId`. */
export async function failedEvents(
  client: Client,
  opts: { sourceId?: string; limit: number; afterId?: number },
) {
  const args: InValue[] = [opts.afterId ?? 0];
  const where = sourceFilter(opts.sourceId, args);
  const order = opts.afterId === undefined ? 'DESC' : 'ASC';
  const r = await client.execute({
    sql: `SELECT id, source_id, received_at, code, message, payload FROM failed_events
           WHERE id > ? ${where} ORDER BY id ${order} LIMIT ?`,
    args: [...args, opts.limit],
  });
  return r.rows.map(toFailed);
}

/** The current high-water marks, where a fresh live stream starts. */
export async function liveCursor(client: Client) {
  const r = await client.execute(
    'SELECT (SELECT coalesce(max(seq), 0) FROM events) AS seq, (SELECT coalesce(max(id), 0) FROM failed_events) AS failed',
  );
  return { seq: num(r.rows[0]?.seq), failed: num(r.rows[0]?.failed) };
}
