export const CONSENT_CATEGORIES = [
  'necessary',
  'functional',
  'analytics',
  'marketing',
  'personalization',
] as const;
export type ConsentCategory = (typeof CONSENT_CATEGORIES)[number];

export const isConsentCategory = (value: unknown): value is ConsentCategory =>
  CONSENT_CATEGORIES.includes(value as ConsentCategory);

/** Explicit grant (true) or denial (false) per category; a missing category is denied. */
export type CategoryPreferences = Partial<Record<ConsentCategory, boolean>>;

export type ConsentSource = 'banner' | 'settings' | 'api' | 'gpc' | 'tcf' | 'gpp' | 'withdrawal';

/** What every event carries in `context.consent`. */
export interface ConsentContext {
  categoryPreferences: CategoryPreferences;
  id?: string;
  revision?: number;
  gpc?: boolean;
  tcString?: string;
  /** The category the event needs, when not `analytics` (the SDK's `category` option, or a server library). */
  category?: ConsentCategory;
}

/** Fail closed: only an explicit `true` grants; `necessary` is always granted. */
export function isGranted(prefs: CategoryPreferences | undefined, category: ConsentCategory) {
  return category === 'necessary' || prefs?.[category] === true;
}

/** A stored decision: kept first-party by the SDK and appended to the collector's log. */
export interface ConsentRecord {
  id: string;
  revision: number;
  categories: CategoryPreferences;
  source: ConsentSource;
  /** Epoch ms. */
  givenAt: number;
  expiresAt: number;
  gpc: boolean;
  language?: string;
  policyVersion?: string;
}

export const CONSENT_EXPIRY_DAYS = 182;

/**
 * Why consent does not allow an event, or undefined when it does. Events need `analytics`
 * unless the sender names another category in `context.consent.category`; a name that is no
 * category is denied whatever the preferences say. Global Privacy Control (the browser's or
 * the `Sec-GPC` header) always denies `marketing`. Shared by the SDK's gate and the
 * collector's re-check, so both decide the same way.
 */
export function consentDenial(
  consent: ConsentContext | undefined,
  gpcHeader?: boolean,
): 'consent_missing' | 'consent_denied' | 'consent_gpc' | undefined {
  if (!consent || typeof consent !== 'object') return 'consent_missing';
  const category = consent.category ?? 'analytics';
  if (!isConsentCategory(category)) return 'consent_denied';
  if (category === 'marketing' && (consent.gpc === true || gpcHeader)) return 'consent_gpc';
  return isGranted(consent.categoryPreferences, category) ? undefined : 'consent_denied';
}
