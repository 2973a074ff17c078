import type { CategoryPreferences } from '../../shared/consent.js';
import { safe } from '../log.js';

type Fn = (...args: unknown[]) => void;
const vendors = () => window as unknown as { ttq?: Record<string, Fn | undefined>; fbq?: Fn };

/**
 * Every decision goes to the ad pixels on the page (gtag gets it through Consent Mode); before
 * one (no `prefs`) TikTok's pixel holds its events and Meta's is revoked until granted. Their
 * code is not ours: what it throws is logged, and the decision applies all the same.
 */
export const tellVendors = safe((prefs?: CategoryPreferences) => {
  const { ttq, fbq } = vendors();
  const granted = prefs?.marketing === true;
  ttq?.[prefs ? (granted ? 'grantConsent' : 'revokeConsent') : 'holdConsent']?.();
  fbq?.('consent', granted ? 'grant' : 'revoke');
});
