import type { ConsentCategory } from '../../shared/consent.js';

/** The banner's texts; owners override any of them per language (`texts.it.title`). */
export interface BannerTexts {
  title: string;
  body: string;
  policy: string;
  accept: string;
  reject: string;
  customize: string;
  save: string;
  necessary: string;
  functional: string;
  analytics: string;
  marketing: string;
  personalization: string;
}

/** What a site owner configures: data-* attributes, `segmently('init', {consent})` or npm. */
export interface ConsentOptions {
  /** Categories the site uses besides `necessary` (default: all four). */
  categories?: ConsentCategory[];
  /** Policy revision: raising it asks every visitor again (default 1). */
  revision?: number;
  policyVersion?: string;
  policyUrl?: string;
  /** `opt-in` (default): ask first. `opt-out`: granted until refused (where the law allows). */
  mode?: 'opt-in' | 'opt-out';
  /** Regions where opt-out applies, e.g. `['US', 'CA-ON']`, matched against `region`. */
  optOutRegions?: string[];
  /** The visitor's region as the site geolocated it (ISO 3166, e.g. `US-CA`); never guessed. */
  region?: string;
  /** Days a decision lasts (default 182). */
  expiryDays?: number;
  /** Show Segmently's banner when a decision is needed (default true; false behind another CMP). */
  banner?: boolean;
  /** Keep events made before the decision in memory (never stored) and send the allowed ones after it; by default they are dropped. */
  hold?: boolean;
  texts?: Record<string, Partial<BannerTexts>>;
}

const list = (v?: string) => v?.split(/[\s,]+/).filter(Boolean);
const num = (v?: string) => (v ? Number(v) : undefined);

/** Reads `data-consent-*`, `data-policy-url` and `data-region` from the script tag. */
export function consentFromDataset(d: DOMStringMap): ConsentOptions {
  return {
    categories: list(d.consentCategories) as ConsentCategory[] | undefined,
    revision: num(d.consentRevision),
    policyVersion: d.policyVersion,
    policyUrl: d.policyUrl,
    mode: d.consentMode as ConsentOptions['mode'],
    optOutRegions: list(d.consentOptOutRegions),
    region: d.region,
    expiryDays: num(d.consentExpiryDays),
    banner: d.consentBanner !== 'false',
    hold: d.consentHold === 'true',
  };
}

/** Opt-out applies when configured for everyone or for the visitor's region (or its country). */
export function isOptOut({ mode, optOutRegions, region }: ConsentOptions): boolean {
  if (mode === 'opt-out') return true;
  return !!region && !!optOutRegions?.some((r) => region === r || region.startsWith(`${r}-`));
}
