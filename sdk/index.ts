export type { CategoryPreferences, ConsentCategory, ConsentContext } from '../shared/consent.js';
export {
  type ContentItem,
  SEGMENT_EVENT_MAP,
  STANDARD_EVENTS,
  type StandardEvent,
  type StandardProperties,
} from '../shared/events.js';
export type { MeSegment, MeSegmentsResponse, UtmTemplate } from '../shared/me-segments.js';
export type { AudiencePlatform } from '../shared/pii.js';
export { normalizeEmail, normalizePhone } from '../shared/pii.js';
export type { Campaign, WireEvent } from '../shared/wire.js';
export type {
  EventOptions,
  IdentifyOptions,
  Properties,
  Segmently,
  SegmentlyOptions,
  TrackProperties,
} from './api-types.js';
export { createSegmently } from './client.js';
export type { ConsentApi } from './consent/core.js';
export type { BannerTexts, ConsentOptions } from './consent/options.js';
export { hashEmail, hashPhone } from './hash.js';
