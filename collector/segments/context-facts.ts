import Bowser from 'bowser';
import type { CategoryPreferences } from '../../shared/consent.js';
import type { ContextFacts } from './facts.js';

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

const deviceCache = new Map<string, Pick<ContextFacts, 'deviceType' | 'os' | 'browser'>>();

function device(userAgent: string) {
  let found = deviceCache.get(userAgent);
  if (!found) {
    const ua = Bowser.parse(userAgent);
    found = {
      deviceType: ua.platform.type?.toLowerCase(),
      os: ua.os.name?.toLowerCase(),
      browser: ua.browser.name?.toLowerCase(),
    };
    // Many visitors share a user agent; bound the cache so odd ones cannot grow it forever.
    if (deviceCache.size > 10_000) deviceCache.clear();
    deviceCache.set(userAgent, found);
  }
  return found;
}

/**
 * The one accessor from a stored event's `context` to what rules filter on (device, OS,
 * language, UTMs, consent). When events gain device/locale columns, read them here.
 */
export function contextFacts(context: unknown): ContextFacts {
  const c = obj(context);
  if (!c) return {};
  const facts: ContextFacts = {};
  const userAgent = str(c.userAgent);
  if (userAgent) Object.assign(facts, device(userAgent));
  const locale = str(c.locale);
  if (locale) {
    facts.locale = locale;
    facts.language = locale.split(/[-_]/)[0]?.toLowerCase();
  }
  const campaign = obj(c.campaign);
  if (campaign) {
    facts.utmSource = str(campaign.source);
    facts.utmMedium = str(campaign.medium);
    facts.utmCampaign = str(campaign.name);
  }
  const prefs = obj(obj(c.consent)?.categoryPreferences);
  if (prefs) facts.consent = prefs as CategoryPreferences;
  for (const k of Object.keys(facts) as (keyof ContextFacts)[]) {
    if (facts[k] === undefined) delete facts[k];
  }
  return facts;
}
