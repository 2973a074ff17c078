import type { ConsentCategory } from '../shared/consent.js';
import type { StandardEvent, StandardProperties } from '../shared/events.js';
import type { JsonObject } from '../shared/wire.js';
import type { ConsentApi } from './consent/core.js';
import type { ConsentOptions } from './consent/options.js';
import type { Storage } from './storage.js';

// The public API and its options: the same for the script tag and the npm package.

export interface SegmentlyOptions {
  /** The source's write key, from the collector's admin API. */
  writeKey: string;
  /** Origin of the collector, e.g. `https://collect.example.com`. */
  apiHost: string;
  /** Send a pageview on load and on single-page-app navigations (default true). */
  autoPage?: boolean;
  /** Events per request (default 20). */
  flushAt?: number;
  /** Milliseconds to wait for more events before sending (default 500). */
  flushInterval?: number;
  debug?: boolean;
  /** Where the queue lives; IndexedDB with an in-memory fallback by default. */
  storage?: Storage;
  /** Country calling code for phone numbers given without one when hashing (e.g. `49`). */
  phoneCountryCode?: string;
  /** Consent categories, policy revision, opt-in/opt-out, banner texts (see README § Consent). */
  consent?: ConsentOptions;
}

export type Properties = JsonObject;

export interface EventOptions {
  /** When it happened, if not now. */
  timestamp?: Date | string;
  /** Merged into the event's `context`. */
  context?: JsonObject;
  /** Your own idempotency key; the collector stores one event per messageId. */
  messageId?: string;
  /**
   * The consent category the event needs (default `analytics`): it is collected only while
   * that category is granted (`necessary` always, even before a decision) and carries it as
   * `context.consent.category`. An unknown name drops the event and counts it in `dropped`.
   */
  category?: ConsentCategory;
}

export interface IdentifyOptions extends EventOptions {
  /** Hash `email` / `phone` traits with SHA-256 in the browser (default true). */
  hash?: boolean;
}

export type TrackProperties<E extends string> = E extends StandardEvent
  ? StandardProperties
  : Properties;

export interface Segmently {
  /** TikTok standard names (`AddToCart`, …) are typed; Segment spec names are mapped to them. */
  track<E extends string>(event: E, properties?: TrackProperties<E>, options?: EventOptions): void;
  page(name?: string, properties?: Properties, options?: EventOptions): void;
  /** `email` and `phone` traits leave the browser only as SHA-256 (`email_sha256`, …). */
  identify(userId?: string | number, traits?: Properties, options?: IdentifyOptions): void;
  /** Segment's form: traits only, the user id stays as it is. */
  identify(traits: Properties, options?: IdentifyOptions): void;
  alias(newId: string, options?: EventOptions): void;
  group(groupId: string, traits?: Properties, options?: EventOptions): void;
  /** Forgets the user and starts a new anonymous identity. */
  reset(): void;
  flush(): Promise<void>;
  ready(fn: () => void): void;
  debug(on: boolean): void;
  /** Per-segment UTM tagging for the visitor's own segments. */
  utm: { tag(url: string, segmentKey?: string): string };
  readonly anonymousId: string;
  readonly userId: string | undefined;
  /** Events this page gave up on (too many failed attempts, too old, or an unknown `category`). */
  readonly dropped: number;
  readonly consent: ConsentApi;
}
