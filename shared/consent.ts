export const CONSENT_CATEGORIES = [
  'necessary',
  'functional',
  'analytics',
  'marketing',
  'personalization',
] as const;
export type ConsentCategory = (typeof CONSENT_CATEGORIES)[number];

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
}

/** Fail closed: only an explicit `true` grants; `necessary` is always granted. */
export function isGranted(prefs: CategoryPreferences | undefined, category: ConsentCategory) {
  return category === 'necessary' || prefs?.[category] === true;
}
