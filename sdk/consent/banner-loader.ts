import type { CategoryPreferences, ConsentCategory, ConsentSource } from '../../shared/consent.js';
import { withChunk } from '../chunk-loader.js';
import { safe } from '../log.js';
import type { BannerTexts } from './options.js';

/** What the lazily loaded banner chunk is given; it calls `decide` once and removes itself. */
export interface BannerSetup {
  categories: ConsentCategory[];
  prefs: CategoryPreferences;
  gpc: boolean;
  /** Open on the per-category preferences (`consent.show()`) instead of the first layer. */
  settings: boolean;
  /** A decision is in force: Escape on the first layer may close without a new one. */
  decided: boolean;
  policyUrl?: string;
  texts?: Record<string, Partial<BannerTexts>>;
  decide(prefs: CategoryPreferences, source: ConsentSource): void;
}

type Banner = (setup: BannerSetup) => void;
declare global {
  interface Window {
    segmentlyBanner?: Banner;
  }
}

/** Replaced at build time by the banner chunk's content-hashed file name (rollup.config.ts). */
const BANNER_FILE = '__SEGMENTLY_BANNER__';

/**
 * Fetches the banner chunk only when it must ask, so most page views never download it. Where
 * Trusted Types refuse it, the banner stays away (logged): the page can still decide through
 * the API.
 */
export const openBanner = safe((apiHost: string, setup: BannerSetup) =>
  withChunk<Banner>(apiHost, BANNER_FILE, 'segmentlyBanner', (banner) => banner(setup)),
);
