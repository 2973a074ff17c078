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

const NAME_BY_TYPE: Record<string, string> = {
  page: '$page',
  screen: '$screen',
  identify: '$identify',
  alias: '$alias',
  group: '$group',
};

export function factName(type: string, event: string | null): string {
  return type === 'track' ? (event ?? '') : (NAME_BY_TYPE[type] ?? `$${type}`);
}

/** `*` in rules: user activity (track, page, screen), not identity bookkeeping. */
export function isActivity(name: string): boolean {
  return !name.startsWith('$') || name === '$page' || name === '$screen';
}
