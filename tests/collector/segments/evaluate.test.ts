import { describe, expect, it } from 'vitest';
import {
  orderByDependencies,
  SegmentCycleError,
} from '../../../collector/segments/dependencies.js';
import { Evaluation } from '../../../collector/segments/evaluate.js';
import type { FactEvent, ProfileFacts } from '../../../collector/segments/facts.js';
import { decideProfile } from '../../../collector/segments/membership.js';
import { cartAbandonersRule } from '../../../collector/segments/templates.js';
import type { Rule } from '../../../shared/segment-rules.js';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.parse('2026-03-11T12:00:00Z'); // a Wednesday
const ev = (
  name: string,
  ago: number,
  props: Record<string, unknown> | null = null,
): FactEvent => ({
  name,
  ts: NOW - ago,
  props,
});
const facts = (events: FactEvent[], extra: Partial<ProfileFacts> = {}): ProfileFacts => ({
  events: events.sort((a, b) => a.ts - b.ts),
  traits: {},
  context: {},
  ...extra,
});
const test = (rule: Rule, f: ProfileFacts) => {
  const e = new Evaluation(f, NOW);
  return { match: e.test(rule), wakeAt: e.wakeAt };
};

describe('evaluator', () => {
  it('counts events in a window and says when the count drops', () => {
    const f = facts([ev('Search', 2 * D), ev('Search', 5 * D), ev('Search', 40 * D)]);
    const rule: Rule = { type: 'performed', event: 'Search', atLeast: 2, within: '7d' };
    expect(test(rule, f)).toEqual({ match: true, wakeAt: NOW - 5 * D + 7 * D });
    expect(test({ ...rule, atLeast: undefined, exactly: 3 }, f).match).toBe(false);
    expect(test({ type: 'performed', event: 'Search', atMost: 1, within: '7d' }, f).match).toBe(
      false,
    );
  });

  it('between X and Y days ago', () => {
    const f = facts([ev('Search', 5 * D), ev('Search', 1 * D)]);
    const r = test(
      { type: 'performed', event: 'Search', exactly: 1, between: { from: '10d', to: '3d' } },
      f,
    );
    expect(r.match).toBe(true);
    expect(r.wakeAt).toBe(NOW - D + 3 * D);
  });

  it('property filters and numeric comparisons', () => {
    const f = facts([
      ev('Purchase', H, { value: 120, currency: 'EUR', contents: [{ content_id: 'a' }] }),
    ]);
    expect(
      test(
        {
          type: 'performed',
          event: 'Purchase',
          where: [{ property: 'value', op: 'gte', value: 100 }],
        },
        f,
      ).match,
    ).toBe(true);
    expect(
      test(
        {
          type: 'performed',
          event: 'Purchase',
          where: [{ property: 'value', op: 'gt', value: '200' }],
        },
        f,
      ).match,
    ).toBe(false);
    expect(
      test(
        {
          type: 'performed',
          event: 'Purchase',
          where: [{ property: 'contents.0.content_id', op: 'eq', value: 'a' }],
        },
        f,
      ).match,
    ).toBe(true);
  });

  it('absence since an anchor with the same cart, after a wait window', () => {
    const rule: Rule = {
      type: 'notPerformed',
      event: 'Purchase',
      where: [{ property: 'cart_id', op: 'eq', sameAs: 'cart_id' }],
      after: { event: 'AddToCart', olderThan: '1h' },
    };
    expect(test(rule, facts([ev('AddToCart', 30 * 60_000, { cart_id: 'c' })]))).toEqual({
      match: false,
      wakeAt: NOW + 30 * 60_000,
    });
    expect(test(rule, facts([ev('AddToCart', 2 * H, { cart_id: 'c' })])).match).toBe(true);
    expect(
      test(
        rule,
        facts([ev('AddToCart', 2 * H, { cart_id: 'c' }), ev('Purchase', H, { cart_id: 'c' })]),
      ).match,
    ).toBe(false);
    expect(
      test(
        rule,
        facts([ev('AddToCart', 2 * H, { cart_id: 'c' }), ev('Purchase', H, { cart_id: 'd' })]),
      ).match,
    ).toBe(true);
  });

  it('absence after an anchor: sameAs equality as eq compares, a follower only after it', () => {
    const rule: Rule = {
      type: 'notPerformed',
      event: 'Purchase',
      where: [
        { property: 'cart_id', op: 'eq', sameAs: 'cart_id' },
        { property: 'shop', op: 'eq', sameAs: 'shop' },
        { property: 'value', op: 'gt', value: 0 },
      ],
      within: '1d',
      after: { event: 'AddToCart' },
    };
    const add = (props: Record<string, unknown>) => ev('AddToCart', 3 * D, props);
    const buy = (ago: number, props: Record<string, unknown>) =>
      ev('Purchase', ago, { value: 5, ...props });
    const abandoned = (...events: FactEvent[]) => test(rule, facts(events)).match;
    const cart = { cart_id: 10, shop: 'eu' };
    expect(abandoned(add(cart), buy(3 * D - H, { cart_id: '10', shop: 'eu' }))).toBe(false);
    expect(abandoned(add(cart), buy(3 * D - H, { cart_id: 10, shop: 'us' }))).toBe(true);
    expect(abandoned(add(cart), buy(3 * D - H, { ...cart, value: 0 }))).toBe(true);
    expect(abandoned(add(cart), buy(3 * D + H, cart))).toBe(true);
    expect(abandoned(add(cart), buy(D, cart))).toBe(true);
    expect(abandoned(add({ cart_id: true, shop: 'eu' }), buy(H, { cart_id: 'true' }))).toBe(true);
    expect(abandoned(add({ shop: 'eu' }), buy(3 * D - H, { shop: 'eu' }))).toBe(true);
  });

  it('decides cart abandonment over tens of thousands of carts without rescanning per cart', () => {
    // 60,000 carts, none bought: each anchor scanned every later event (about 15 s here).
    const carts = Array.from({ length: 60_000 }, (_, i) =>
      ev('AddToCart', 10 * D - i * 1000, { cart_id: `c${i}` }),
    );
    const abandoners = cartAbandonersRule();
    expect(test(abandoners, facts([...carts])).match).toBe(true);
    const bought = carts.map((c) => ev('Purchase', NOW - c.ts - 500, c.props));
    expect(test(abandoners, facts([...carts, ...bought])).match).toBe(false);
  });

  it('ordered funnels within a time limit', () => {
    const rule: Rule = {
      type: 'funnel',
      steps: [{ event: 'ViewContent' }, { event: 'AddToCart' }, { event: 'Purchase' }],
      within: '1d',
    };
    expect(
      test(rule, facts([ev('ViewContent', 5 * H), ev('AddToCart', 4 * H), ev('Purchase', 3 * H)]))
        .match,
    ).toBe(true);
    expect(
      test(rule, facts([ev('AddToCart', 5 * H), ev('ViewContent', 4 * H), ev('Purchase', 3 * H)]))
        .match,
    ).toBe(false);
    expect(
      test(rule, facts([ev('ViewContent', 3 * D), ev('AddToCart', 4 * H), ev('Purchase', 3 * H)]))
        .match,
    ).toBe(false);
  });

  it('funnels with sameAs find a later path when the first match of a step leads nowhere', () => {
    const rule: Rule = {
      type: 'funnel',
      steps: [
        { event: 'ViewContent' },
        { event: 'AddToCart', where: [{ property: 'content_id', op: 'eq', sameAs: 'id' }] },
        { event: 'Purchase', where: [{ property: 'cart_id', op: 'eq', sameAs: 'cart_id' }] },
      ],
      within: '1d',
    };
    const view = ev('ViewContent', 5 * H, { id: 'sku-1' });
    const cart = (id: string, ago: number) =>
      ev('AddToCart', ago, { content_id: 'sku-1', cart_id: id });
    const buy = (ago: number) => ev('Purchase', ago, { cart_id: 'y' });
    expect(test(rule, facts([view, cart('x', 4 * H), cart('y', 3 * H), buy(2 * H)])).match).toBe(
      true,
    );
    expect(test(rule, facts([view, cart('x', 4 * H), buy(3 * H), cart('y', 2 * H)])).match).toBe(
      false,
    );
  });

  it('decides a funnel over many repeats of its middle steps without trying every path', () => {
    const rule: Rule = {
      type: 'funnel',
      steps: ['A', 'B', 'A', 'B', 'A', 'Purchase'].map((event) => ({ event })),
      within: '1d',
    };
    // 240 events of alternating A and B: the paths through the first five steps number
    // about 240^5 / 5!, were tried one by one (15-30 s here), none completing without Purchase.
    const repeats = Array.from({ length: 240 }, (_, i) => ev(i % 2 ? 'B' : 'A', 5 * H - i * 1000));
    expect(test(rule, facts([...repeats])).match).toBe(false);
    expect(test(rule, facts([...repeats, ev('Purchase', H)])).match).toBe(true);
  });

  it('distinct active days, weekends and seen times', () => {
    // NOW is Wednesday 12:00 UTC: 3 days ago was Sunday, 4 days ago Saturday.
    const f = facts([
      ev('$page', 3 * D),
      ev('$page', 4 * D),
      ev('$page', 4 * D + H),
      ev('$identify', 1 * H),
    ]);
    expect(test({ type: 'activeDays', within: '30d', atLeast: 2 }, f).match).toBe(true);
    expect(test({ type: 'activeDays', within: '30d', atLeast: 3 }, f).match).toBe(false);
    expect(test({ type: 'activeDays', within: '30d', days: 'weekends', atLeast: 2 }, f).match).toBe(
      true,
    );
    expect(test({ type: 'activeDays', within: '30d', days: 'weekdays', atLeast: 1 }, f).match).toBe(
      false,
    );
    expect(test({ type: 'lastSeen', olderThan: '2d' }, f).match).toBe(true);
    expect(test({ type: 'firstSeen', within: '7d' }, f)).toEqual({
      match: true,
      wakeAt: NOW - 4 * D - H + 7 * D,
    });
  });

  it('traits, context and consent (unknown consent is denied)', () => {
    const f = facts([], {
      traits: { plan: 'pro' },
      context: { os: 'ios', consent: { marketing: true } },
    });
    expect(test({ type: 'trait', trait: 'plan', op: 'in', value: ['pro', 'team'] }, f).match).toBe(
      true,
    );
    expect(test({ type: 'context', field: 'os', op: 'eq', value: 'ios' }, f).match).toBe(true);
    expect(test({ type: 'consent', category: 'marketing' }, f).match).toBe(true);
    expect(test({ type: 'consent', category: 'personalization' }, f).match).toBe(false);
    expect(test({ type: 'consent', category: 'personalization', granted: false }, f).match).toBe(
      true,
    );
  });

  it('segment references see earlier answers; re-entry waits for the cool-down', () => {
    const segments = orderByDependencies([
      { key: 'not-buyers', rule: { type: 'not', rule: { type: 'inSegment', segment: 'buyers' } } },
      { key: 'buyers', rule: { type: 'performed', event: 'Purchase' }, reentryAfterMs: 7 * D },
    ]);
    expect(segments.map((s) => s.key)).toEqual(['buyers', 'not-buyers']);
    const f = facts([ev('Purchase', H)]);
    const fresh = decideProfile(f, segments, { current: [], lastExitAt: new Map() }, NOW);
    expect([...fresh.members]).toEqual(['buyers']);
    const cooling = decideProfile(
      f,
      segments,
      { current: [], lastExitAt: new Map([['buyers', NOW - D]]) },
      NOW,
    );
    expect([...cooling.members]).toEqual(['not-buyers']);
    expect(cooling.nextCheckAt).toBe(NOW + 6 * D);
  });

  it('refuses reference cycles', () => {
    expect(() =>
      orderByDependencies([
        { key: 'a', rule: { type: 'inSegment', segment: 'b' } },
        { key: 'b', rule: { type: 'inSegment', segment: 'a' } },
      ]),
    ).toThrow(SegmentCycleError);
  });
});
