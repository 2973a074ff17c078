import type { CategoryPreferences } from '../../shared/consent.js';
import type { ContextFacts } from './facts.js';

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/**
 * What the fact loader selects of each event: ingest's device and locale columns, and the
 * campaign and consent parts of its context.
 */
export const CONTEXT_FACTS_SQL = `json_object('deviceType', device_type, 'os', os, 'browser', browser,
  'locale', locale, 'campaign', context->'$.campaign', 'consent', context->'$.consent')`;

/** The one accessor from that selection to what rules filter on. */
export function contextFacts(selected: unknown): ContextFacts {
  const c = obj(selected);
  if (!c) return {};
  const facts: ContextFacts = {};
  const set = (key: Exclude<keyof ContextFacts, 'consent'>, value: unknown) => {
    const s = str(value);
    if (s) facts[key] = s;
  };
  set('deviceType', c.deviceType);
  set('os', c.os);
  set('browser', c.browser);
  set('locale', c.locale);
  set('language', str(c.locale)?.split(/[-_]/)[0]?.toLowerCase());
  const campaign = obj(c.campaign);
  set('utmSource', campaign?.source);
  set('utmMedium', campaign?.medium);
  set('utmCampaign', campaign?.name);
  const prefs = obj(obj(c.consent)?.categoryPreferences);
  if (prefs) facts.consent = prefs as CategoryPreferences;
  return facts;
}

const selections = new Map<string, ContextFacts>();

/** contextFacts of a CONTEXT_FACTS_SQL selection's JSON; cached (few distinct), never mutated. */
export function contextFactsOf(selected: string): ContextFacts {
  let facts = selections.get(selected);
  if (!facts) {
    if (selections.size >= 10_000) selections.clear();
    facts = Object.freeze(contextFacts(selected ? JSON.parse(selected) : null));
    selections.set(selected, facts);
  }
  return facts;
}
