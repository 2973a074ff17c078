import type { CategoryPreferences } from '../../shared/consent.js';
import type { ContextField } from '../../shared/segment-rules.js';

/** One event as rules see it: `$page`/`$screen`/`$identify` for non-track types. */
export interface FactEvent {
  name: string;
  ts: number;
  props: Record<string, unknown> | null;
}

export type ContextFacts = Partial<Record<ContextField, string>> & {
  consent?: CategoryPreferences;
};

/** Everything the evaluator knows about one profile; events sorted by time, oldest first. */
export interface ProfileFacts {
  events: FactEvent[];
  traits: Record<string, unknown>;
  context: ContextFacts;
}

/**
 * An event's name as rules see it, selected from an events row: the event name of a track
 * (empty when it has none), `$page`, `$screen`, `$identify`, … for the other types.
 */
export const FACT_NAME_SQL = "CASE WHEN type = 'track' THEN event ELSE '$' || type END";

/**
 * Whether an events row may feed segments, identity links and audience exports, as SQL:
 * not when it was sent under `necessary` or `functional` consent (`context.consent.category`),
 * which covers no analytics or marketing use. `instr` spares parsing contexts naming no
 * category (stored contexts are JSON.stringify output, so the key is never escaped).
 */
export const SEGMENTABLE_SQL = `(instr(context, '"category"') = 0
  OR ifnull(context->>'$.consent.category', '') NOT IN ('necessary', 'functional'))`;

/** `*` in rules: user activity (track, page, screen), not identity bookkeeping. */
export function isActivity(name: string): boolean {
  return !name.startsWith('$') || name === '$page' || name === '$screen';
}
