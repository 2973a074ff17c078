import type { CategoryPreferences } from '../../shared/consent.js';

type Purposes = Record<string, boolean | undefined>;
export interface TcData {
  eventStatus?: string;
  gdprApplies?: boolean;
  tcString?: string;
  purpose?: { consents?: Purposes };
}
export interface GppPing {
  signalStatus?: string;
  applicableSections?: number[];
  parsedSections?: Record<string, unknown>;
}
type Api = (command: string, ...args: unknown[]) => void;
const w = () => window as unknown as { __tcfapi?: Api; __gpp?: Api };

/** IAB TCF purposes each category needs (1 = store/access information on a device). */
const TCF_PURPOSES = {
  functional: [1],
  analytics: [1, 8, 9],
  marketing: [1, 2, 3, 4, 7],
  personalization: [1, 5, 6],
};

export function tcfPreferences(tc: TcData): CategoryPreferences {
  const consents = tc.purpose?.consents ?? {};
  const prefs: CategoryPreferences = { necessary: true };
  for (const [category, purposes] of Object.entries(TCF_PURPOSES))
    prefs[category as keyof typeof TCF_PURPOSES] = purposes.every((p) => consents[p] === true);
  return prefs;
}

/**
 * GPP's US sections are opt-out regimes: everything is allowed unless the visitor opted out of
 * sale, sharing or targeted advertising, which denies marketing. Undefined when no US section
 * applies (TCF EU is read through `__tcfapi`).
 */
export function gppPreferences(ping: GppPing): CategoryPreferences | undefined {
  if (!ping.applicableSections?.some((id) => id >= 7)) return undefined;
  const segments = Object.values(ping.parsedSections ?? {}).flat() as Record<string, unknown>[];
  const optedOut = segments.some(
    (s) => s?.SaleOptOut === 1 || s?.SharingOptOut === 1 || s?.TargetedAdvertisingOptOut === 1,
  );
  return {
    functional: true,
    analytics: true,
    personalization: true,
    marketing: !optedOut,
  };
}

export const hasCmp = () => typeof w().__tcfapi === 'function' || typeof w().__gpp === 'function';

/**
 * Follows a CMP already on the page: each completed TCF or GPP decision becomes ours;
 * `notApplicable` when TCF says GDPR does not apply to this visitor, or GPP that no section
 * does (`applicableSections: [-1]`).
 */
export function listenToCmp(
  apply: (p: CategoryPreferences, tcString?: string) => void,
  notApplicable: () => void,
): void {
  w().__tcfapi?.('addEventListener', 2, (tc: TcData, ok: boolean) => {
    if (!ok || !/^(tcloaded|useractioncomplete)$/.test(tc.eventStatus as string)) return;
    if (tc.gdprApplies !== false) apply(tcfPreferences(tc), tc.tcString);
    // Outside GDPR, a GPP CMP on the page says which rules apply (a US section), if any.
    else if (!w().__gpp) notApplicable();
  });
  w().__gpp?.('addEventListener', (e: { pingData?: GppPing }, ok: boolean) => {
    const ping = ok && e?.pingData?.signalStatus === 'ready' ? e.pingData : undefined;
    const prefs = ping && gppPreferences(ping);
    if (prefs) apply(prefs);
    // Neither a US section nor TCF's (2): the CMP sets no restriction.
    else if (ping && !ping.applicableSections?.includes(2)) notApplicable();
  });
}
