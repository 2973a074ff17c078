import type { CategoryPreferences } from '../../shared/consent.js';
import type { ContextFacts } from './facts.js';

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/**
 * What the fact loader selects of each event: ingest's device and locale columns, and the
 * campaign and consent preferences of its context, separated by \x1e (concat turns NULL into
 * ''; JSON text never holds raw control characters). Cheaper than building a JSON object.
 */
export const CONTEXT_FACTS_SQL = `concat(device_type, x'1e', os, x'1e', browser, x'1e', locale,
  x'1e', context->'$.campaign', x'1e', context->'$.consent.categoryPreferences')`;

/** The one accessor from that selection to what rules filter on. */
export function contextFacts(selected: string): ContextFacts {
  const [deviceType, os, browser, locale, campaignJson, consentJson] = selected.split('\x1e');
  const facts: ContextFacts = {};
  const set = (key: Exclude<keyof ContextFacts, 'consent'>, value: unknown) => {
    const s = str(value);
    if (s) facts[key] = s;
  };
  set('deviceType', deviceType);
  set('os', os);
  set('browser', browser);
  set('locale', locale);
  set('language', str(locale)?.split(/[-_]/)[0]?.toLowerCase());
  const campaign = obj(campaignJson ? JSON.parse(campaignJson) : undefined);
  set('utmSource', campaign?.source);
  set('utmMedium', campaign?.medium);
  set('utmCampaign', campaign?.name);
  const prefs = obj(consentJson ? JSON.parse(consentJson) : undefined);
  if (prefs) facts.consent = prefs as CategoryPreferences;
  return facts;
}

const selections = new Map<string, ContextFacts>();

/** contextFacts of a CONTEXT_FACTS_SQL selection; cached (few distinct), never mutated. */
export function contextFactsOf(selected: string): ContextFacts {
  let facts = selections.get(selected);
  if (!facts) {
    if (selections.size >= 10_000) selections.clear();
    facts = Object.freeze(contextFacts(selected));
    selections.set(selected, facts);
  }
  return facts;
}
