import { afterEach, describe, expect, it } from 'vitest';
import { runRetention } from '../../../collector/privacy/retention.js';
import { DAY, HOUR, segmentCollector } from './scenario-helpers.js';

type S = Awaited<ReturnType<typeof segmentCollector>>;
let s: S;
afterEach(() => s?.t.close());

const visit = (at: number, anonymousId: string, extra: Record<string, unknown> = {}) =>
  s.event({ type: 'page', at, anonymousId, ...extra });
const identify = (anonymousId: string, userId: string, at: number) =>
  s.event({
    type: 'identify',
    at,
    anonymousId,
    userId,
    traits: { email: `${userId}@example.com` },
  });
/** An alias names the earlier (anonymous) id only as previousId. */
const alias = (userId: string, previousId: string, at: number) =>
  s.event({ type: 'alias', at, userId, previousId, anonymousId: undefined });
const track = (
  event: string,
  at: number,
  anonymousId: string,
  properties = {},
  extra: Record<string, unknown> = {},
) => s.event({ event, at, anonymousId, properties, ...extra });
const UA = {
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
  ios: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
};

/** Stored summaries, events in a canonical order (equal times may be stored either way). */
async function summaries() {
  const rows = await s.t.rows(
    'SELECT profile_id, event_count, first_ts, latest_ts, latest_seq, stale, context, context_at, packed FROM profile_facts ORDER BY profile_id',
  );
  return rows.map((r) => {
    const f = String(r.packed).split('\x1f');
    const events: string[][] = [];
    for (let i = 0; i + 4 <= f.length; i += 4) events.push(f.slice(i, i + 4));
    events.sort((a, b) => Number(a[1]) - Number(b[1]) || String(a).localeCompare(String(b)));
    return {
      profile_id: String(r.profile_id),
      event_count: Number(r.event_count),
      first_ts: r.first_ts,
      latest_ts: r.latest_ts,
      latest_seq: r.latest_seq,
      stale: Number(r.stale),
      context: r.context,
      context_at: r.context_at,
      events,
    };
  });
}

const summaryOf = async (profileId: string) =>
  (await summaries()).find((r) => r.profile_id === profileId);

describe('profile facts summaries', () => {
  it('stay equal to a rebuild from events through a mixed stream with identify and alias merges', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(
      visit(now - 5 * DAY, 'anon-a', {
        context: { locale: 'de-DE', userAgent: UA.android, campaign: { source: 'news' } },
      }),
      // A server-side event: no user agent, no locale.
      track('AddToCart', now - 3 * HOUR, 'anon-a', { cart_id: 'c1', value: 5 }),
      track('ViewContent', now - 2 * HOUR, 'anon-a', { sku: 'not kept' }),
      visit(now - 4 * DAY, 'anon-b'),
    );
    await s.send(
      identify('anon-a', 'ada', now - HOUR),
      // Imported history: older than what the profile already has.
      visit(now - 20 * DAY, 'anon-a', {
        userId: 'ada',
        context: { locale: 'fr-FR', userAgent: UA.ios, campaign: { source: 'ads', name: 'x' } },
      }),
      track('Purchase', now - 30 * 60_000, 'anon-b', { cart_id: 'c9', value: 1 }),
    );
    await s.send(
      alias('ada', 'anon-b', now - 20 * 60_000),
      visit(now - 10 * 60_000, 'anon-a', { userId: 'bob' }),
      visit(now - 5 * 60_000, 'anon-c'),
    );
    await s.send(
      visit(now - 60_000, 'anon-b', { context: { locale: 'es-ES' } }),
      visit(now - 6 * DAY, 'anon-c'),
    );

    const incremental = await summaries();
    expect(incremental.map((r) => r.profile_id)).toEqual(['a:anon-c', 'u:ada', 'u:bob']);
    const ada = incremental.find((r) => r.profile_id === 'u:ada');
    // Both anonymous histories moved over; only cart props are kept (the built-ins read those).
    expect(ada?.event_count).toBe(9);
    expect(ada?.events.map((e) => e[2]).filter(Boolean)).toEqual([
      '{"cart_id":"c1","value":5}',
      '{"cart_id":"c9","value":1}',
    ]);
    expect(JSON.parse(String(ada?.context))).toEqual({
      deviceType: 'mobile',
      os: 'android',
      browser: 'chrome',
      locale: 'es-ES',
      language: 'es',
      utmSource: 'news',
    });

    expect(await s.t.deps.segmentEngine.rebuildFacts(s.t.source.id)).toBe(3);
    expect(await summaries()).toEqual(incremental);
  });

  it('stay equal to a rebuild through random streams of visits, carts and identity links', async () => {
    s = await segmentCollector();
    const now = s.now();
    let seed = 7;
    // A small LCG; its high bits (its low ones cycle fast).
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    const anon = () => `anon-${random(20)}`;
    const user = () => `user-${random(3)}`;
    const at = () => now - random(40 * DAY);
    // Most events carry no context (server-side); times are random, so many are back-dated.
    const context = (): Record<string, unknown> => {
      const pick = random(12);
      if (pick < 6) return {};
      const contexts = [
        { userAgent: UA.android, locale: 'de-DE' },
        { userAgent: UA.ios },
        { locale: 'fr-FR' },
        { campaign: { source: 'news', medium: 'email', name: `n${random(3)}` } },
        { campaign: { source: 'ads' } },
        { consent: { categoryPreferences: { analytics: true, marketing: random(2) === 1 } } },
      ];
      return { context: contexts[pick - 6] };
    };
    // Identity links are rare, so most come after the anonymous profile has a summary.
    const next = () => {
      const kind = random(20);
      if (kind < 9) return visit(at(), anon(), context());
      if (kind < 17) {
        const event = ['AddToCart', 'Purchase', 'ViewContent'][random(3)] as string;
        return track(event, at(), anon(), { cart_id: `c${random(4)}` }, context());
      }
      if (kind < 18) {
        return identify(anon(), user(), at());
      }
      if (kind < 19) return alias(user(), anon(), at());
      return visit(at(), anon(), { userId: user(), ...context() });
    };
    const sent: Record<string, unknown>[] = [];
    for (let round = 0; round < 8; round++) {
      const batch = Array.from({ length: 1 + random(40) }, next);
      sent.push(...batch);
      await s.send(...batch);
    }
    const incremental = await summaries();
    // An unlinked visitor's locale, campaign source and consent are those of their latest
    // event (by time) carrying each.
    type Context = { locale?: string; campaign?: { source: string }; consent?: unknown };
    const latest = (anonymousId: string, get: (c: Context) => unknown) =>
      sent
        .filter((e) => e.anonymousId === anonymousId && !e.userId)
        .filter((e) => get((e.context ?? {}) as Context) !== undefined)
        .sort((a, b) => Date.parse(String(a.timestamp)) - Date.parse(String(b.timestamp)))
        .map((e) => get(e.context as Context))
        .at(-1);
    const anonymous = incremental.filter((r) => r.profile_id.startsWith('a:'));
    expect(anonymous.length).toBeGreaterThan(1);
    for (const row of anonymous) {
      const id = row.profile_id.slice(2);
      const context = JSON.parse(String(row.context ?? '{}'));
      expect({
        locale: context.locale,
        utmSource: context.utmSource,
        consent: context.consent,
      }).toEqual({
        locale: latest(id, (c) => c.locale),
        utmSource: latest(id, (c) => c.campaign?.source),
        consent: latest(
          id,
          (c) => (c.consent as { categoryPreferences?: unknown })?.categoryPreferences,
        ),
      });
    }
    const links = await s.t.rows('SELECT anonymous_id FROM profile_links');
    expect(links.length).toBeGreaterThan(1);
    expect(incremental.filter((r) => r.profile_id.startsWith('u:')).length).toBeGreaterThan(1);
    // Profiles whose context mixes fields of different events.
    const mixed = incremental.filter((r) => {
      const at = Object.values(JSON.parse(String(r.context_at ?? '{}'))) as [number, number][];
      return new Set(at.map(([, seq]) => seq)).size > 1;
    });
    expect(mixed.length).toBeGreaterThan(1);
    await s.t.deps.segmentEngine.rebuildFacts(s.t.source.id);
    expect(await summaries()).toEqual(incremental);
  });

  it('are rebuilt when a rule change reads props they do not keep, and keep them from then on', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(
      track('ViewContent', now - HOUR, 'cheap', { price: 50 }),
      track('ViewContent', now - HOUR, 'pricey', { price: 150 }),
    );
    expect((await summaryOf('a:pricey'))?.events[0]?.[2]).toBe('');

    const res = await s.t.admin('/api/v1/segments', {
      method: 'POST',
      body: JSON.stringify({
        sourceId: s.t.source.id,
        key: 'big-spenders',
        name: 'Big spenders',
        rule: {
          type: 'performed',
          event: 'ViewContent',
          where: [{ property: 'price', op: 'gt', value: 100 }],
        },
      }),
    });
    expect(res.status).toBe(201);
    await s.t.deps.segmentEngine.idle();
    expect(await s.members('big-spenders')).toEqual(['a:pricey']);
    expect((await summaryOf('a:pricey'))?.events[0]?.[2]).toBe('{"price":150}');
    const [build] = await s.t.rows('SELECT coverage FROM profile_facts_builds');
    expect(JSON.parse(String(build?.coverage)).props).toContain('ViewContent');

    await s.send(track('ViewContent', now - 60_000, 'cheap', { price: 500 }));
    expect(await s.members('big-spenders')).toEqual(['a:cheap', 'a:pricey']);
  });

  it('erasure deletes the erased person summaries and rebuilds those that folded in their rows', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(
      visit(now - 3 * DAY, 'zed-phone', { userId: 'zed' }),
      visit(now - 2 * DAY, 'zed-phone', { userId: 'zed' }),
      // One browser shared: zed logs in first (its anonymous events are zed's), then bob.
      visit(now - 3 * DAY, 'shared', { userId: 'zed' }),
      visit(now - 2 * DAY, 'shared'),
      visit(now - HOUR, 'shared', { userId: 'bob' }),
      visit(now - HOUR, 'bob-phone', { userId: 'bob' }),
      // Yan's earlier id, retired by an alias.
      visit(now - 3 * DAY, 'anon-y'),
      alias('yan', 'anon-y', now - HOUR),
      visit(now - HOUR, 'anon-y2', { userId: 'yan' }),
    );
    expect((await summaryOf('u:zed'))?.event_count).toBe(4);
    expect((await summaryOf('u:bob'))?.event_count).toBe(2);
    const exported = await (await s.t.admin('/api/v1/profiles/bob/export')).json();
    expect(exported.profileFacts.map((r: { profile_id: string }) => r.profile_id)).toEqual([
      'u:bob',
    ]);

    // Bob's ids include the shared browser: its rows go but for the one naming zed, and zed's
    // summary that folded them in is emptied until the engine rebuilds it.
    expect((await s.t.admin('/api/v1/profiles/bob', { method: 'DELETE' })).status).toBe(200);
    expect(await summaryOf('u:bob')).toBeUndefined();
    expect(await summaryOf('u:zed')).toMatchObject({ stale: 1, event_count: 0, events: [] });
    // The retired id of an alias is erased with its user.
    expect((await s.t.admin('/api/v1/profiles/anon-y', { method: 'DELETE' })).status).toBe(200);
    expect(await summaryOf('u:yan')).toBeUndefined();

    await s.sweep();
    expect(await summaryOf('u:zed')).toMatchObject({ stale: 0, event_count: 3 });
    const rows = await s.t.rows(
      "SELECT count(*) AS n FROM profile_facts WHERE profile_id NOT IN ('u:zed')",
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('retention prunes summarised events with the events', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(
      visit(now - 500 * DAY, 'old'),
      visit(now - 450 * DAY, 'mixed'),
      visit(now - 2 * DAY, 'mixed'),
    );
    expect((await summaryOf('a:mixed'))?.event_count).toBe(2);
    const engine = s.t.deps.segmentEngine;
    const pruned = await runRetention(s.t.deps.database.client, now, {
      profileFacts: engine.pruneFacts,
    });
    expect(pruned).toEqual({ events: 2, failedEvents: 0, consentRecords: 0, profileFacts: 2 });
    expect(await summaryOf('a:old')).toBeUndefined();
    expect(await summaryOf('a:mixed')).toMatchObject({ event_count: 1, first_ts: now - 2 * DAY });
    expect(await s.members('dormant')).toEqual(['a:old']);
    await s.sweep();
    expect(await s.members('dormant')).toEqual([]);
  });

  it('retention forgets a profile whose events all aged out: links and evaluation state go, stays end', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(
      visit(now - 500 * DAY, 'gone'),
      identify('gone', 'old-user', now - 499 * DAY),
      visit(now - 450 * DAY, 'kept'),
      identify('kept', 'user', now - 440 * DAY),
      visit(now - 2 * DAY, 'kept'),
    );
    const of = (table: string) =>
      s.t
        .rows(`SELECT * FROM ${table} ORDER BY 1, 2, 3`)
        .then((rows) => rows.map((r) => Object.values(r).slice(0, 3).join(' ')));
    expect(await of('profile_links')).toEqual([
      `${s.t.source.id} gone old-user`,
      `${s.t.source.id} kept user`,
    ]);
    expect(await s.members('dormant')).toEqual(['u:old-user']);
    const engine = s.t.deps.segmentEngine;
    await runRetention(s.t.deps.database.client, now, { profileFacts: engine.pruneFacts });
    expect(await of('profile_links')).toEqual([`${s.t.source.id} kept user`]);
    await s.sweep();
    expect(await s.members('dormant')).toEqual([]);
    const evaluated = await s.t.rows('SELECT profile_id FROM segment_profiles ORDER BY 1');
    expect(evaluated.map((r) => r.profile_id)).toEqual(['u:user']);
    expect(await summaryOf('u:user')).toMatchObject({ event_count: 1 });
    // A later event of the forgotten visitor starts a new anonymous profile.
    await s.send(visit(now, 'gone'));
    expect((await s.t.rows('SELECT profile_id FROM segment_profiles ORDER BY 1')).length).toBe(2);
    expect(await summaryOf('a:gone')).toMatchObject({ event_count: 1 });
  });

  it('retention ends the stays a profile without events would keep (did not perform …) and forgets it', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(visit(now - 500 * DAY, 'old'), visit(now - 2 * DAY, 'recent'));
    await s.createSegment({
      key: 'never-bought',
      name: 'Never bought',
      rule: { type: 'notPerformed', event: 'Purchase' },
    });
    expect(await s.members('never-bought')).toEqual(['a:old', 'a:recent']);
    await runRetention(s.t.deps.database.client, now, {
      profileFacts: s.t.deps.segmentEngine.pruneFacts,
    });
    await s.sweep();
    expect(await s.members('never-bought')).toEqual(['a:recent']);
    const stays = await s.t.rows(
      "SELECT exit_reason FROM segment_memberships WHERE profile_id = 'a:old' AND exited_at IS NOT NULL",
    );
    expect(stays.map((r) => r.exit_reason)).toEqual(['retention', 'retention']);
    const evaluated = await s.t.rows('SELECT profile_id FROM segment_profiles ORDER BY 1');
    expect(evaluated.map((r) => r.profile_id)).toEqual(['a:recent']);
  });

  it('a catch-up commits summaries, memberships and watermark together or not at all', async () => {
    s = await segmentCollector();
    const now = s.now();
    await s.send(visit(now - HOUR, 'first'));
    const watermark = async () =>
      (await s.t.rows("SELECT value FROM engine_state WHERE name = 'segments:watermark'"))[0]
        ?.value;
    const before = { watermark: await watermark(), facts: await summaries() };

    await s.t.rows(
      "CREATE TRIGGER fail_facts BEFORE INSERT ON profile_facts BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    await s.send(visit(now - 30 * 60_000, 'first'), visit(now - 30 * 60_000, 'second'));
    expect({ watermark: await watermark(), facts: await summaries() }).toEqual(before);
    expect(await s.members('new')).toEqual(['a:first']);

    await s.t.rows('DROP TRIGGER fail_facts');
    await s.t.deps.segmentEngine.catchUp();
    expect(await watermark()).toBeGreaterThan(Number(before.watermark));
    expect((await summaryOf('a:first'))?.event_count).toBe(2);
    expect(await s.members('new')).toEqual(['a:first', 'a:second']);
    const incremental = await summaries();
    await s.t.deps.segmentEngine.rebuildFacts(s.t.source.id);
    expect(await summaries()).toEqual(incremental);
  });
});
