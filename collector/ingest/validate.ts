import { z } from 'zod';
import { MAX_EVENT_BYTES } from '../../shared/limits.js';
import { EVENT_TYPES, type RejectedEvent } from '../../shared/wire.js';

/** The largest time a JavaScript Date can hold. */
export const MAX_TIME = 8.64e15;
/** Deeper JSON is refused: SQLite's JSON functions stop at 1,000 levels, stringify earlier. */
export const MAX_DEPTH = 64;

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
const CONTROL_FREE = /^[^\x00-\x1f]*$/;
/**
 * Ids and event names without control characters: the segment engine reads events packed as
 * text with \x1f between fields (catch-up-batch.ts), and one inside a field would shift every
 * later field of the batch; libsql reads text back only up to a NUL.
 */
export const plainText = (min: number, max: number) =>
  z.string().min(min).max(max).regex(CONTROL_FREE, 'must not contain control characters');
const id = z.union([z.string(), z.number()]).transform(String).pipe(plainText(1, 200));
/** A date, or a date and time (T or space, any fraction, Z or ±hh:mm / ±hhmm or no zone). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Epoch ms of an ISO-8601 time, NaN for any other text (Date.parse reads "1" as 2001 and
 * "Tuesday 2020" as 2020). A time without a zone is UTC, not the server's local time.
 */
export function parseIsoTime(text: string): number {
  const iso = ISO_8601.exec(text);
  if (!iso) return Number.NaN;
  const [, time, zone] = iso;
  return Date.parse(time && !zone ? `${text}Z` : text);
}

/** Epoch ms of a time as senders write it (ISO-8601 or epoch ms), NaN if no Date holds it. */
export function epochMs(time: string | number): number {
  const ms = typeof time === 'number' ? time : parseIsoTime(time);
  return Math.abs(ms) <= MAX_TIME ? ms : Number.NaN;
}

const time = z.union([z.string().max(64), z.number()]).transform((v, ctx) => {
  const ms = epochMs(v);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'not a valid ISO-8601 date' });
    return z.NEVER;
  }
  return ms;
});
const object = z.record(z.string(), z.unknown());

export const EventSchema = z
  .object({
    type: z.enum(EVENT_TYPES),
    // libsql reads text back only up to a NUL: "a\0b" and "a\0c" would both read as "a".
    messageId: plainText(1, 100).optional(),
    anonymousId: id.optional(),
    userId: id.optional(),
    previousId: id.optional(),
    groupId: id.optional(),
    event: plainText(1, 200).optional(),
    name: plainText(0, 200).optional(),
    properties: object.optional(),
    traits: object.optional(),
    context: object.optional(),
    timestamp: time.optional(),
    originalTimestamp: time.optional(),
    sentAt: time.optional(),
  })
  .superRefine((e, ctx) => {
    if (!e.anonymousId && !e.userId) {
      ctx.addIssue({ code: 'custom', message: 'anonymousId or userId is required' });
    }
    if (e.type === 'track' && !e.event) {
      ctx.addIssue({ code: 'custom', path: ['event'], message: 'track needs an event name' });
    }
    if (e.type === 'alias' && !e.previousId) {
      ctx.addIssue({ code: 'custom', path: ['previousId'], message: 'alias needs previousId' });
    }
    if (e.type === 'group' && !e.groupId) {
      ctx.addIssue({ code: 'custom', path: ['groupId'], message: 'group needs groupId' });
    }
  });

export type ValidEvent = z.infer<typeof EventSchema>;

export type Checked =
  | { ok: true; event: ValidEvent }
  | { ok: false; reject: Omit<RejectedEvent, 'index'> };

/** Validates one event of a batch; a failure is a rejection with a stable code, not an error. */
export function checkEvent(raw: unknown, rawBytes: number): Checked {
  if (rawBytes > MAX_EVENT_BYTES) {
    return {
      ok: false,
      reject: { code: 'event_too_large', message: `Event exceeds ${MAX_EVENT_BYTES} bytes` },
    };
  }
  if (tooDeep(raw, MAX_DEPTH)) {
    return {
      ok: false,
      reject: { code: 'too_deep', message: `Event nests deeper than ${MAX_DEPTH} levels` },
    };
  }
  const parsed = EventSchema.safeParse(withoutNulls(raw));
  if (parsed.success) return { ok: true, event: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.');
  return {
    ok: false,
    reject: {
      code: 'invalid_event',
      message: `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`,
    },
  };
}

/**
 * The event without its null fields: Segment's libraries send null for what they leave out
 * (analytics-python's userId or anonymousId, analytics.js's identify of an anonymous visitor),
 * and Segment takes null as absent.
 */
function withoutNulls(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  let copy: Record<string, unknown> | undefined;
  for (const key in raw) {
    if ((raw as Record<string, unknown>)[key] !== null) continue;
    copy ??= { ...raw };
    delete copy[key];
  }
  return copy ?? raw;
}

/** True when `value` nests objects/arrays more than `limit` levels; stops at the limit. */
export function tooDeep(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    if (typeof v === 'object' && v !== null && tooDeep(v, limit - 1)) return true;
  }
  return false;
}
