/**
 * The segment rule DSL: rules are plain JSON, validated by the collector
 * (`collector/segments/rule-schema.ts`) and evaluated on event time.
 *
 * Durations are strings: a positive integer and a unit, `s` seconds, `m` minutes, `h` hours, `d` days,
 * `w` weeks (`"90m"`, `"1h"`, `"30d"`).
 *
 * Event names: track events by their name; `$page`, `$screen`, `$identify` for the other
 * message types; `*` for any activity (track, page or screen).
 */
import type { ConsentCategory } from './consent.js';
import type { UtmTemplate } from './me-segments.js';

export type { UtmTemplate };

export type Duration = string;
export type Scalar = string | number | boolean | null;

export const COMPARE_OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'notIn',
  'contains',
  'startsWith',
  'exists',
  'notExists',
] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

/**
 * A comparison on an event property (dotted path). `sameAs` compares with a property of the
 * referenced event instead of a constant: the anchor of `notPerformed.after`, or the
 * previous step of a funnel (the Purchase with the same `cart_id` as the AddToCart).
 */
export interface PropertyFilter {
  property: string;
  op: CompareOp;
  value?: Scalar | Scalar[];
  sameAs?: string;
}

export interface EventMatch {
  event: string | string[];
  where?: PropertyFilter[];
}

/** Count bounds; with none given, `atLeast: 1`. */
export interface CountBound {
  atLeast?: number;
  atMost?: number;
  exactly?: number;
}

/** Performed a matching event N times, within the last D or between `from` and `to` ago. */
export interface PerformedRule extends EventMatch, CountBound {
  type: 'performed';
  within?: Duration;
  between?: { from: Duration; to: Duration };
}

/** An event that starts the "did not perform since" clock. */
export interface AnchorMatch extends EventMatch {
  /** Only anchors within the last D count. */
  within?: Duration;
  /** The anchor must be at least this old (a wait window). */
  olderThan?: Duration;
}

/**
 * Did not perform a matching event: within the last D, or (with `after`) at any time after
 * some matching anchor event (and, with `within`, within D after that anchor: known, and
 * true, only once D has passed since the anchor).
 */
export interface NotPerformedRule extends EventMatch {
  type: 'notPerformed';
  within?: Duration;
  after?: AnchorMatch;
}

/** Ordered steps, each after the previous one, the last within D of the first. */
export interface FunnelRule {
  type: 'funnel';
  steps: EventMatch[];
  within: Duration;
  /** Only funnels whose first step is within the last D count. */
  startedWithin?: Duration;
}

export const ACTIVE_DAY_KINDS = ['all', 'weekdays', 'weekends'] as const;

/** Distinct UTC days with any activity within the last D. */
export interface ActiveDaysRule {
  type: 'activeDays';
  within: Duration;
  atLeast?: number;
  atMost?: number;
  days?: (typeof ACTIVE_DAY_KINDS)[number];
}

/** First (or last) activity within the last D and/or at least D ago. */
export interface SeenRule {
  type: 'firstSeen' | 'lastSeen';
  within?: Duration;
  olderThan?: Duration;
}

export interface TraitRule {
  type: 'trait';
  trait: string;
  op: CompareOp;
  value?: Scalar | Scalar[];
}

export const CONTEXT_FIELDS = [
  'deviceType',
  'os',
  'browser',
  'language',
  'locale',
  'utmSource',
  'utmMedium',
  'utmCampaign',
] as const;
export type ContextField = (typeof CONTEXT_FIELDS)[number];

/**
 * The profile's latest known value of a context field: that of its latest event (by event
 * time) carrying the field (device type: mobile | tablet | desktop).
 */
export interface ContextRule {
  type: 'context';
  field: ContextField;
  op: CompareOp;
  value?: Scalar | Scalar[];
}

/** The latest consent the profile's events carried grants (or, with `granted: false`, denies) a category. */
export interface ConsentRule {
  type: 'consent';
  category: ConsentCategory;
  granted?: boolean;
}

/** Member of another segment of the same source; exclude with `not`. */
export interface InSegmentRule {
  type: 'inSegment';
  segment: string;
}

export type Rule =
  | { type: 'all'; rules: Rule[] }
  | { type: 'any'; rules: Rule[] }
  | { type: 'not'; rule: Rule }
  | PerformedRule
  | NotPerformedRule
  | FunnelRule
  | ActiveDaysRule
  | SeenRule
  | TraitRule
  | ContextRule
  | ConsentRule
  | InSegmentRule;

export type RuleType = Rule['type'];

/** A segment as marketers edit it. */
export interface SegmentDefinition {
  key: string;
  name: string;
  description?: string;
  rule: Rule;
  /** After leaving, a profile may enter again only this long after its exit. */
  reentryAfter?: Duration;
  utm?: UtmTemplate;
}
