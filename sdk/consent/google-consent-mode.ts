import type { CategoryPreferences } from '../../shared/consent.js';
import { safe } from '../log.js';

const state = (on?: boolean) => (on ? 'granted' : 'denied');

/** Google Consent Mode v2: all seven keys from Segmently's categories. */
export function consentModeState(p: CategoryPreferences): Record<string, string> {
  return {
    ad_storage: state(p.marketing),
    ad_user_data: state(p.marketing),
    ad_personalization: state(p.marketing),
    analytics_storage: state(p.analytics),
    functionality_storage: state(p.functional),
    personalization_storage: state(p.personalization),
    security_storage: 'granted',
  };
}

/**
 * gtag's own shape: gtag.js reads `arguments` objects from dataLayer, not arrays. A page's
 * dataLayer that is no array is its bug: logged, never thrown.
 */
export const gtag = safe(function (..._args: unknown[]): void {
  const w = window as unknown as { dataLayer?: unknown[] };
  w.dataLayer = w.dataLayer || [];
  // biome-ignore lint/complexity/noArguments: gtag.js only recognises Arguments objects
  w.dataLayer.push(arguments);
});
