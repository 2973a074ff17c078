import {
  type CategoryPreferences,
  type ConsentContext,
  consentDenial,
  isConsentCategory,
  isGranted,
} from '../shared/consent.js';
import type { WireEvent } from '../shared/wire.js';

/**
 * The single place that decides whether an event may be queued and sent: only when the
 * consent stamped on it (`context.consent`) grants the category it needs. Events without a
 * stamp are never collected; the collector applies the same rule again.
 */
export function mayCollect(event: WireEvent): boolean {
  return !consentDenial(event.context?.consent);
}

/**
 * An event option naming no consent category is a mistake in the site's code, not a
 * visitor's choice: such events are dropped and counted (never thrown into the page).
 */
export function unknownCategory(category: unknown): boolean {
  return category !== undefined && !isConsentCategory(category);
}

/** An already queued event checked against the consent in force now (after a withdrawal). */
export function mayStillSend(event: WireEvent, now: ConsentContext): boolean {
  return !consentDenial({ ...event.context?.consent, ...now });
}

/**
 * May the SDK ask the collector for the visitor's segments and personalise links with them?
 * Only with personalization or marketing consent.
 */
export function mayPersonalize(prefs: CategoryPreferences): boolean {
  return isGranted(prefs, 'personalization') || isGranted(prefs, 'marketing');
}
