export type { CategoryPreferences, ConsentCategory, ConsentContext } from '../shared/consent.js';
export type { WireEvent } from '../shared/wire.js';
export { createSegmently, type Segmently, type SegmentlyOptions } from './client.js';
export type { ConsentApi } from './consent/core.js';
export type { BannerTexts, ConsentOptions } from './consent/options.js';
