export type { ConsentCategory } from '../shared/consent.js';
export type { WireEvent } from '../shared/wire.js';
export { createSegmently, type Segmently, type SegmentlyOptions } from './client.js';
