import type { Rule, SegmentDefinition } from '../../shared/segment-rules.js';

const ADD = ['AddToCart', 'InitiateCheckout', 'Product Added', 'Checkout Started'];
/** What counts as a purchase, here and in the overview's KPIs: ours and Segment's spec name. */
export const PURCHASE_EVENTS = ['Purchase', 'Order Completed'];
const utm = (campaign: string) => ({
  utm_source: 'segmently',
  utm_medium: 'segment',
  utm_campaign: campaign,
});
const active = (within: string, atLeast?: number, atMost?: number): Rule => ({
  type: 'activeDays',
  within,
  ...(atLeast === undefined ? {} : { atLeast }),
  ...(atMost === undefined ? {} : { atMost }),
});

/** How long a cart waits for its purchase before its owner counts as an abandoner. */
export const DEFAULT_CART_WAIT = '1h';

export function cartAbandonersRule(wait = DEFAULT_CART_WAIT): Rule {
  return {
    type: 'notPerformed',
    event: PURCHASE_EVENTS,
    where: [{ property: 'cart_id', op: 'eq', sameAs: 'cart_id' }],
    after: {
      event: ADD,
      where: [{ property: 'cart_id', op: 'exists' }],
      within: '30d',
      olderThan: wait,
    },
  };
}

const LANGUAGES: [string, string][] = [
  ['en', 'English'],
  ['de', 'German'],
  ['fr', 'French'],
  ['es', 'Spanish'],
];

/** Built-in segments created (once, then editable) for every source. Keys are the template names. */
export const BUILT_IN_SEGMENTS: SegmentDefinition[] = [
  {
    key: 'cart-abandoners',
    name: 'Cart abandoners',
    description: `Added to cart or started checkout (last 30 days) and did not buy that cart within ${DEFAULT_CART_WAIT}; leave on purchase, may re-enter 7 days after leaving.`,
    rule: cartAbandonersRule(),
    reentryAfter: '7d',
    utm: utm('cart-abandoners'),
  },
  {
    key: 'repeat-visitors',
    name: 'Repeat visitors',
    description: 'Active on at least 3 distinct days within 30 days.',
    rule: active('30d', 3),
    utm: utm('repeat-visitors'),
  },
  {
    key: 'new',
    name: 'New',
    description: 'First seen less than 7 days ago.',
    rule: { type: 'firstSeen', within: '7d' },
    utm: utm('new'),
  },
  {
    key: 'regular',
    name: 'Regular',
    description: 'Active on at least 4 of the last 14 days.',
    rule: active('14d', 4),
    utm: utm('regular'),
  },
  {
    key: 'inactive',
    name: 'Inactive',
    description: 'No activity for 14 days (but some within 30 days: after that, dormant).',
    rule: {
      type: 'all',
      rules: [
        { type: 'lastSeen', olderThan: '14d' },
        { type: 'lastSeen', within: '30d' },
      ],
    },
    utm: utm('inactive'),
  },
  {
    key: 'dormant',
    name: 'Dormant',
    description: 'No activity for 30 days.',
    rule: { type: 'lastSeen', olderThan: '30d' },
    utm: utm('dormant'),
  },
  {
    key: 'daily-actives',
    name: 'Daily actives',
    description: 'Active on at least 5 of the last 7 days.',
    rule: active('7d', 5),
    utm: utm('daily-actives'),
  },
  {
    key: 'weekend-users',
    name: 'Weekend users',
    description: 'Active on 2+ weekend days and at most 1 weekday in the last 28 days (UTC).',
    rule: {
      type: 'all',
      rules: [
        { type: 'activeDays', within: '28d', days: 'weekends', atLeast: 2 },
        { type: 'activeDays', within: '28d', days: 'weekdays', atMost: 1 },
      ],
    },
    utm: utm('weekend-users'),
  },
  {
    key: 'occasional',
    name: 'Occasional',
    description: 'Active on 1 or 2 days within 30 days.',
    rule: active('30d', 1, 2),
    utm: utm('occasional'),
  },
  {
    key: 'device-android',
    name: 'Android',
    description: 'Latest activity from an Android device.',
    rule: { type: 'context', field: 'os', op: 'eq', value: 'android' },
  },
  {
    key: 'device-ios',
    name: 'iOS',
    description: 'Latest activity from an iPhone or iPad.',
    rule: { type: 'context', field: 'os', op: 'eq', value: 'ios' },
  },
  {
    key: 'device-desktop',
    name: 'Desktop',
    description: 'Latest activity from a desktop or laptop browser.',
    rule: { type: 'context', field: 'deviceType', op: 'eq', value: 'desktop' },
  },
  ...LANGUAGES.map(
    ([code, label]): SegmentDefinition => ({
      key: `language-${code}`,
      name: `Language: ${label}`,
      description: `Browser language ${code} (from context.locale).`,
      rule: { type: 'context', field: 'language', op: 'eq', value: code },
    }),
  ),
];
