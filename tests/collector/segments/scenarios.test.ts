import { afterEach, describe, expect, it } from 'vitest';
import { cartAbandonersRule } from '../../../collector/segments/templates.js';
import { DAY, HOUR, segmentCollector } from './scenario-helpers.js';

type S = Awaited<ReturnType<typeof segmentCollector>>;
let s: S;
afterEach(() => s?.t.close());

const add = (s: S, at: number, cart = 'c1', anonymousId = 'anon-1') =>
  s.event({ event: 'AddToCart', at, anonymousId, properties: { cart_id: cart, value: 10 } });
const buy = (s: S, at: number, cart = 'c1', anonymousId = 'anon-1') =>
  s.event({ event: 'Purchase', at, anonymousId, properties: { cart_id: cart, value: 10 } });
const visit = (s: S, at: number, anonymousId = 'anon-1', extra: Record<string, unknown> = {}) =>
  s.event({ type: 'page', at, anonymousId, ...extra });

describe('cart abandoners', () => {
  it('a cart abandoned 2 h ago is in; one purchased 10 min later is not', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(add(s, now - 2 * HOUR, 'c1', 'anon-1'));
    await s.send(
      add(s, now - 2 * HOUR, 'c2', 'anon-2'),
      buy(s, now - 2 * HOUR + 10 * 60_000, 'c2', 'anon-2'),
    );
    expect(await s.members('cart-abandoners')).toEqual(['a:anon-1']);
  });

  it('a purchase of another cart does not count', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(add(s, now - 3 * HOUR, 'c1'), buy(s, now - 2 * HOUR, 'other'));
    expect(await s.members('cart-abandoners')).toEqual(['a:anon-1']);
  });

  it('enters when the wait window passes, exits on purchase and keeps the history', async () => {
    s = await segmentCollector();
    await s.send(add(s, s.now() - 30 * 60_000));
    expect(await s.members('cart-abandoners')).toEqual([]);
    s.advance(31 * 60_000);
    await s.sweep();
    expect(await s.members('cart-abandoners')).toEqual(['a:anon-1']);
    const enteredAt = s.now();

    s.advance(5 * 60_000);
    await s.send(buy(s, s.now()));
    expect(await s.members('cart-abandoners')).toEqual([]);
    const history = await s.t.rows(
      `SELECT m.* FROM segment_memberships m JOIN segments g ON g.id = m.segment_id
       WHERE g.key = 'cart-abandoners'`,
    );
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      profile_id: 'a:anon-1',
      entered_at: enteredAt,
      exited_at: s.now(),
      exit_reason: 'rule',
    });

    // A new abandoned cart within 7 days of the exit does not re-enter until the cool-down ends.
    await s.send(add(s, s.now() - 2 * HOUR, 'c9'));
    expect(await s.members('cart-abandoners')).toEqual([]);
    s.advance(7 * DAY);
    await s.sweep();
    expect(await s.members('cart-abandoners')).toEqual(['a:anon-1']);
  });

  it('records a flip only on a real change', async () => {
    s = await segmentCollector();
    await s.send(add(s, s.now() - 2 * HOUR));
    await s.send(visit(s, s.now()), visit(s, s.now() + 1));
    await s.sweep();
    const rows = await s.t.rows(
      `SELECT count(*) AS n FROM segment_memberships m JOIN segments g ON g.id = m.segment_id
       WHERE g.key = 'cart-abandoners'`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  // A commit's catch-up is paced (up to 250 ms later here); the purchase below is stored, not
  // yet evaluated, when the sweep or the recompute is asked for.
  const stays = () =>
    s.t.rows(
      `SELECT m.profile_id FROM segment_memberships m JOIN segments g ON g.id = m.segment_id
       WHERE g.key = 'cart-abandoners'`,
    );
  const storeOnly = async (event: Record<string, unknown>) =>
    expect((await s.t.post('/v1/batch', { batch: [event] }, s.t.basic())).status).toBe(200);

  it('the sweep at the end of the wait sees a purchase stored just before it', async () => {
    s = await segmentCollector();
    await s.send(add(s, s.now() - 59 * 60_000));
    s.advance(60_000);
    await storeOnly(buy(s, s.now() - 1000));
    await s.sweep();
    await s.t.deps.segmentEngine.idle();
    expect(await stays()).toEqual([]);
  });

  it('a recompute after a rule change sees a purchase stored just before it', async () => {
    s = await segmentCollector();
    await s.send(add(s, s.now() - 40 * 60_000));
    await storeOnly(buy(s, s.now() - 1000));
    const patched = await s.t.admin('/api/v1/segments/cart-abandoners', {
      method: 'PATCH',
      body: JSON.stringify({ rule: cartAbandonersRule('30m') }),
    });
    expect(patched.status).toBe(200);
    await s.t.deps.segmentEngine.idle();
    expect(await stays()).toEqual([]);
  });
});

// Event names no built-in rule filters on, so only sameAs can make summaries keep their props.
describe('sameAs referring to an event without filters', () => {
  const added = (at: number, cart: string, anonymousId: string) =>
    s.event({ event: 'Basket Add', at, anonymousId, properties: { cart_id: cart } });
  const ordered = (at: number, cart: string, anonymousId: string) =>
    s.event({ event: 'Order Placed', at, anonymousId, properties: { cart_id: cart } });
  const sameCart = [{ property: 'cart_id', op: 'eq', sameAs: 'cart_id' }];

  it('notPerformed after an unfiltered anchor: buying that cart keeps the buyer out', async () => {
    s = await segmentCollector();
    await s.createSegment({
      key: 'abandoned-baskets',
      name: 'Abandoned baskets',
      rule: {
        type: 'notPerformed',
        event: 'Order Placed',
        where: sameCart,
        after: { event: 'Basket Add', olderThan: '1h' },
      },
    });
    const now = s.now();
    await s.send(
      added(now - 2 * HOUR, 'c1', 'anon-1'),
      ordered(now - 110 * 60_000, 'c1', 'anon-1'),
      added(now - 2 * HOUR, 'c2', 'anon-2'),
      ordered(now - 110 * 60_000, 'other', 'anon-2'),
    );
    expect(await s.members('abandoned-baskets')).toEqual(['a:anon-2']);
  });

  it('funnel: a later step compares with an unfiltered earlier one, events stored before the rule', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(
      added(now - 2 * HOUR, 'c1', 'anon-1'),
      ordered(now - HOUR, 'c1', 'anon-1'),
      added(now - 2 * HOUR, 'c2', 'anon-2'),
      ordered(now - HOUR, 'other', 'anon-2'),
    );
    await s.createSegment({
      key: 'basket-buyers',
      name: 'Basket buyers',
      rule: {
        type: 'funnel',
        steps: [{ event: 'Basket Add' }, { event: 'Order Placed', where: sameCart }],
        within: '1d',
      },
    });
    expect(await s.members('basket-buyers')).toEqual(['a:anon-1']);
  });
});

describe('did not perform B within D after A', () => {
  it('is a member only once D passed without B, checked again at A + D, with no flip before', async () => {
    s = await segmentCollector();
    await s.createSegment({
      key: 'unpaid-baskets',
      name: 'Unpaid baskets',
      rule: {
        type: 'notPerformed',
        event: 'Order Placed',
        within: '2h',
        after: { event: 'Basket Add' },
      },
    });
    const addedAt = s.now() - 10 * 60_000;
    const basket = (anonymousId: string) =>
      s.event({ event: 'Basket Add', at: addedAt, anonymousId });
    await s.send(basket('waits'), basket('buys'));
    expect(await s.members('unpaid-baskets')).toEqual([]);
    const [check] = await s.t.rows(
      "SELECT next_check_at FROM segment_profiles WHERE profile_id = 'a:waits'",
    );
    expect(check?.next_check_at).toBe(addedAt + 2 * HOUR);

    s.advance(HOUR);
    await s.send(s.event({ event: 'Order Placed', at: s.now(), anonymousId: 'buys' }));
    s.advance(addedAt + 2 * HOUR - s.now());
    await s.sweep();
    expect(await s.members('unpaid-baskets')).toEqual(['a:waits']);
    const flips = await s.t.rows(
      `SELECT m.profile_id FROM segment_memberships m JOIN segments g ON g.id = m.segment_id
       WHERE g.key = 'unpaid-baskets'`,
    );
    expect(flips.map((r) => r.profile_id)).toEqual(['a:waits']);
  });
});

describe('visits', () => {
  it('3 visits on 3 distinct days make a repeat visitor; 3 on one day do not', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(
      visit(s, now - 3 * DAY, 'spread'),
      visit(s, now - 2 * DAY, 'spread'),
      visit(s, now - 1 * HOUR, 'spread'),
      visit(s, now - 3 * HOUR, 'sameday'),
      visit(s, now - 2 * HOUR, 'sameday'),
      visit(s, now - 1 * HOUR, 'sameday'),
    );
    expect(await s.members('repeat-visitors')).toEqual(['a:spread']);
    expect(await s.members('occasional')).toEqual(['a:sameday']);
    expect((await s.members('new')).sort()).toEqual(['a:sameday', 'a:spread']);
  });

  it('time passing moves users into inactive, then dormant', async () => {
    s = await segmentCollector();
    await s.send(visit(s, s.now() - 10 * DAY));
    expect(await s.members('inactive')).toEqual([]);
    s.advance(5 * DAY);
    await s.sweep();
    expect(await s.members('inactive')).toEqual(['a:anon-1']);
    expect(await s.members('new')).toEqual([]);
    s.advance(16 * DAY);
    await s.sweep();
    expect(await s.members('inactive')).toEqual([]);
    expect(await s.members('dormant')).toEqual(['a:anon-1']);
  });

  it('imported history counts by event time', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(...[1, 2, 3, 4, 5, 6].map((d) => visit(s, now - d * DAY + HOUR)));
    expect(await s.members('daily-actives')).toEqual(['a:anon-1']);
    expect(await s.members('regular')).toEqual(['a:anon-1']);
  });
});

describe('identity', () => {
  it('identify merges anonymous history into the user; two users are never merged', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(visit(s, now - 5 * DAY, 'anon-a'), visit(s, now - 4 * DAY, 'anon-a'));
    expect(await s.members('repeat-visitors')).toEqual([]);
    expect(await s.members('occasional')).toEqual(['a:anon-a']);

    await s.send(
      s.event({
        type: 'identify',
        at: now - HOUR,
        anonymousId: 'anon-a',
        userId: 'ada',
        traits: { email: 'ada@example.com' },
      }),
      visit(s, now - HOUR, 'anon-a', { userId: 'ada' }),
    );
    expect(await s.members('repeat-visitors')).toEqual(['u:ada']);
    expect(await s.members('occasional')).toEqual([]);
    const merged = await s.t.rows(
      "SELECT DISTINCT exit_reason FROM segment_memberships WHERE profile_id = 'a:anon-a'",
    );
    expect(merged.map((r) => r.exit_reason)).toEqual(['merged']);

    // Another user on the same device keeps only their own history.
    await s.send(visit(s, now - 10 * 60_000, 'anon-a', { userId: 'bob' }));
    expect(await s.members('repeat-visitors')).toEqual(['u:ada']);
    expect(await s.members('occasional')).toEqual(['u:bob']);
  });

  it('a re-entry cool-down the visitor started before identify holds for the user', async () => {
    s = await segmentCollector();
    await s.send(add(s, s.now() - 2 * HOUR, 'c1'));
    await s.send(buy(s, s.now(), 'c1'));
    const exitedAt = s.now();
    s.advance(DAY);
    await s.send(add(s, s.now() - 2 * HOUR, 'c2'));
    expect(await s.members('cart-abandoners')).toEqual([]);

    await s.send(s.event({ type: 'identify', at: s.now(), userId: 'ada' }));
    expect(await s.members('cart-abandoners')).toEqual([]);
    await s.send(visit(s, s.now(), 'anon-1', { userId: 'ada' }));
    await s.t.deps.segmentEngine.recompute(s.t.source.id);
    expect(await s.members('cart-abandoners')).toEqual([]);

    s.advance(exitedAt + 7 * DAY - s.now());
    await s.sweep();
    expect(await s.members('cart-abandoners')).toEqual(['u:ada']);
  });
});

describe('context segments', () => {
  it('device and language come from the latest context', async () => {
    s = await segmentCollector();
    const android =
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
    await s.send(
      visit(s, s.now() - HOUR, 'p1', { context: { userAgent: android, locale: 'de-DE' } }),
      visit(s, s.now() - HOUR, 'p2', {
        context: {
          userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0',
          locale: 'en-GB',
        },
      }),
    );
    expect(await s.members('device-android')).toEqual(['a:p1']);
    expect(await s.members('language-de')).toEqual(['a:p1']);
    expect(await s.members('device-desktop')).toEqual(['a:p2']);
    expect(await s.members('language-en')).toEqual(['a:p2']);
  });

  it('a server-side event without a user agent keeps the latest known device; a new one moves it', async () => {
    s = await segmentCollector();
    const ua = {
      android:
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
      ios: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
    };
    const history = async (key: string) =>
      s.t.rows(
        `SELECT m.entered_at, m.exited_at FROM segment_memberships m JOIN segments g ON g.id = m.segment_id
         WHERE g.key = '${key}' AND m.profile_id = 'a:p1'`,
      );
    await s.send(
      visit(s, s.now() - HOUR, 'p1', { context: { userAgent: ua.android, locale: 'de-DE' } }),
    );
    expect(await s.members('device-android')).toEqual(['a:p1']);

    // A server library's event: no user agent, no locale.
    await s.send(s.event({ event: 'Purchase', at: s.now() - 30 * 60_000, anonymousId: 'p1' }));
    expect(await s.members('device-android')).toEqual(['a:p1']);
    expect(await s.members('language-de')).toEqual(['a:p1']);
    expect(await history('device-android')).toEqual([expect.objectContaining({ exited_at: null })]);

    // Imported history from another device does not override the newer one.
    await s.send(visit(s, s.now() - 2 * DAY, 'p1', { context: { userAgent: ua.ios } }));
    expect(await s.members('device-android')).toEqual(['a:p1']);

    await s.send(visit(s, s.now() - 60_000, 'p1', { context: { userAgent: ua.ios } }));
    expect(await s.members('device-ios')).toEqual(['a:p1']);
    expect(await s.members('device-android')).toEqual([]);
    expect(await s.members('language-de')).toEqual(['a:p1']);
    expect(await history('device-android')).toEqual([
      expect.objectContaining({ exited_at: expect.any(Number) }),
    ]);
  });
});

describe('erasure', () => {
  it('profile erasure removes memberships, history, next checks and identity links', async () => {
    s = await segmentCollector();
    await s.send(
      visit(s, s.now() - 2 * DAY, 'anon-e'),
      s.event({ type: 'identify', at: s.now() - HOUR, anonymousId: 'anon-e', userId: 'eve' }),
      visit(s, s.now() - HOUR, 'other'),
    );
    const count = async (table: string) =>
      (
        await s.t.rows(
          `SELECT count(*) AS n FROM ${table} WHERE ${table === 'profile_links' ? "user_id = 'eve'" : "profile_id IN ('u:eve', 'a:anon-e')"}`,
        )
      )[0]?.n;
    expect(await count('segment_memberships')).toBeGreaterThan(0);
    expect(await count('profile_links')).toBe(1);

    const res = await s.t.admin('/api/v1/profiles/eve', { method: 'DELETE' });
    const { erased } = await res.json();
    expect(erased.segmentMemberships).toBeGreaterThan(0);
    expect(erased.profileLinks).toBe(1);
    for (const table of ['segment_memberships', 'segment_profiles', 'profile_links']) {
      expect(await count(table)).toBe(0);
    }
    expect(await s.members('new')).toEqual(['a:other']);
  });
});
