import type { CategoryPreferences } from '../../shared/consent.js';
import { safe } from '../log.js';

type Fn = (...args: unknown[]) => void;
const vendors = () => window as unknown as { ttq?: Record<string, Fn | undefined>; fbq?: Fn };

/** Before a decision: TikTok's pixel holds its events until granted or revoked. */
export const holdVendors = safe(() => vendors().ttq?.holdConsent?.());

/**
 * Every decision goes to the ad pixels on the page (gtag gets it through Consent Mode). Their
 * code is not ours: what it throws is logged, and the decision applies all the same.
 */
export const tellVendors = safe((prefs: CategoryPreferences) => {
  const { ttq, fbq } = vendors();
  const granted = prefs.marketing === true;
  ttq?.[granted ? 'grantConsent' : 'revokeConsent']?.();
  fbq?.('consent', granted ? 'grant' : 'revoke');
});
