import type { CategoryPreferences } from '../../shared/consent.js';

type Fn = (...args: unknown[]) => void;
const vendors = () => window as unknown as { ttq?: Record<string, Fn | undefined>; fbq?: Fn };

/** Before a decision: TikTok's pixel holds its events until granted or revoked. */
export function holdVendors(): void {
  vendors().ttq?.holdConsent?.();
}

/** Every decision goes to the ad pixels on the page (gtag gets it through Consent Mode). */
export function tellVendors(prefs: CategoryPreferences): void {
  const { ttq, fbq } = vendors();
  const granted = prefs.marketing === true;
  ttq?.[granted ? 'grantConsent' : 'revokeConsent']?.();
  fbq?.('consent', granted ? 'grant' : 'revoke');
}
