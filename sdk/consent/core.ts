import {
  type CategoryPreferences,
  CONSENT_CATEGORIES,
  CONSENT_EXPIRY_DAYS,
  type ConsentContext,
  type ConsentRecord,
  type ConsentSource,
} from '../../shared/consent.js';
import { storedId } from '../anonymous-id.js';
import { safe } from '../log.js';
import { uuidv7 } from '../uuid.js';
import { openBanner } from './banner-loader.js';
import { consentModeState, gtag } from './google-consent-mode.js';
import { type ConsentOptions, isOptOut } from './options.js';
import { KEY, loadRecord, postRecord, saveRecord } from './record.js';
import { activateScripts, watchScripts } from './script-blocking.js';
import { hasCmp, listenToCmp } from './signals.js';
import { tellVendors } from './vendors.js';

export interface ConsentApi {
  /** The current preferences in Segment's `categoryPreferences` shape. */
  get(): CategoryPreferences;
  set(prefs: CategoryPreferences): void;
  acceptAll(): void;
  rejectAll(): void;
  /** Reopens the banner on the per-category preferences. */
  show(): void;
  on(event: 'change', fn: (prefs: CategoryPreferences) => void): void;
  /** Removes a listener added with `on`. */
  off(event: 'change', fn: (prefs: CategoryPreferences) => void): void;
}

export interface ConsentSetup {
  options?: ConsentOptions;
  apiHost: string;
  writeKey: string;
  /** The anonymous id to log with a decision that grants analytics. */
  anonymousId: () => string;
  /** Called after every decision, with the preferences it replaced. */
  onChange(before: CategoryPreferences): void;
}

export interface ConsentCore {
  api: ConsentApi;
  /** What every event carries as `context.consent`. */
  context(): ConsentContext;
  /** A decision applies: stored, signalled by a CMP, or the opt-out default. */
  decided(): boolean;
  /**
   * No decision yet, but one is awaited (`hold`, or a CMP on the page): events wait in memory
   * and what is stored stays as it is until then.
   */
  waiting(): boolean;
  /**
   * Pushes the Consent Mode default, runs allowed scripts, follows a CMP or asks. A CMP that
   * throws (the page's code) stops it there, logged: it never throws.
   */
  start(): void;
}

export function createConsent({
  options: o = {},
  apiHost,
  writeKey,
  anonymousId,
  onChange,
}: ConsentSetup): ConsentCore {
  const categories = o.categories ?? CONSENT_CATEGORIES.slice(1);
  const revision = o.revision ?? 1;
  const gpc = (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  const optOut = isOptOut(o);
  // GPC is an opt-out of sale/sharing: marketing stays denied whatever else is chosen.
  const normalize = (choice: CategoryPreferences) => {
    const prefs: CategoryPreferences = { necessary: true };
    for (const c of categories) prefs[c] = choice[c] === true && !(gpc && c === 'marketing');
    return prefs;
  };
  const all = (on: boolean) =>
    normalize({ functional: on, analytics: on, marketing: on, personalization: on });

  let record = loadRecord(revision);
  let prefs = record ? normalize(record.categories) : all(optOut);
  let decided = !!record || optOut;
  const cmp = hasCmp();
  const waiting = () => !decided && (cmp || !!o.hold);
  let tcString: string | undefined;
  const listeners = new Set<(p: CategoryPreferences) => void>();
  const updateConsentMode = (p: CategoryPreferences) =>
    gtag('consent', 'update', consentModeState(p));

  function apply(next: CategoryPreferences): void {
    // What a waiting page kept from an earlier grant (stored id, queued events) counts as
    // granted: a denial withdraws it. A first visit kept nothing: a denial withdraws nothing
    // (and so opens no IndexedDB to purge a queue).
    const before = waiting() && storedId() ? all(true) : prefs;
    prefs = next;
    decided = true;
    onChange(before);
    // Scripts and listeners are the page's code: one that throws stops neither the others nor us.
    for (const fn of [updateConsentMode, tellVendors, activateScripts, ...listeners])
      safe(fn)({ ...next });
  }

  function decide(choice: CategoryPreferences, source: ConsentSource = 'api'): void {
    const next = normalize(choice);
    // The consent log keeps one row per (id, givenAt): a second decision in the same ms must differ.
    const now = Math.max(Date.now(), (record?.givenAt ?? 0) + 1);
    const withdrawn = decided && categories.some((c) => prefs[c] && !next[c]);
    record = {
      id: record?.id ?? uuidv7(),
      revision,
      categories: next,
      source: withdrawn ? 'withdrawal' : source,
      givenAt: now,
      expiresAt: now + (o.expiryDays ?? CONSENT_EXPIRY_DAYS) * 864e5,
      gpc,
      language: document.documentElement.lang || navigator.language,
      policyVersion: o.policyVersion,
    } satisfies ConsentRecord;
    saveRecord(record);
    apply(next);
    postRecord(apiHost, writeKey, record, next.analytics ? anonymousId() : undefined);
  }

  const show = (settings: boolean) =>
    openBanner(apiHost, { ...o, categories, prefs, gpc, settings, decided, decide });

  function start(): void {
    // Consent Mode's default must reach dataLayer before any tag; a stored decision is replayed.
    gtag('consent', 'default', { ...consentModeState(all(optOut)), wait_for_update: 500 });
    if (record) updateConsentMode(prefs);
    watchScripts(() => prefs);
    // A decision made in another tab of the site applies here at once (a withdrawal above all).
    addEventListener('storage', (e) => {
      const stored = e.key === KEY && loadRecord(revision);
      if (stored) {
        record = stored;
        apply(normalize(stored.categories));
      }
    });
    const ask = () => decided || o.banner === false || show(false);
    // When GDPR does not apply, the CMP sets no restriction: Segmently's own banner asks (what
    // was stored is kept until that decision, as while waiting for the CMP).
    listenToCmp((p, tc) => {
      tcString = tc;
      apply(normalize(p));
    }, ask);
    if (optOut && gpc && !record) decide(all(true), 'gpc');
    else tellVendors(decided ? prefs : undefined);
    if (!cmp) ask();
  }

  return {
    start: safe(start),
    api: {
      get: () => ({ ...prefs }),
      set: (p) => decide({ ...prefs, ...p }),
      acceptAll: () => decide(all(true)),
      rejectAll: () => decide(all(false)),
      show: () => show(true),
      // A listener that is no function fails when called, caught like one that throws.
      on: (_event, fn) => void listeners.add(fn),
      off: (_event, fn) => void listeners.delete(fn),
    },
    context: () => ({
      categoryPreferences: { ...prefs },
      id: record?.id,
      revision,
      gpc,
      tcString,
    }),
    decided: () => decided,
    waiting,
  };
}
