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

/** `*` in rules: user activity (track, page, screen), not identity bookkeeping. */
export function isActivity(name: string): boolean {
  return !name.startsWith('$') || name === '$page' || name === '$screen';
}
