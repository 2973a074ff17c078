import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, HOUR, segmentCollector } from './scenario-helpers.js';

type S = Awaited<ReturnType<typeof segmentCollector>>;
let s: S;
afterEach(() => s?.t.close());

/** `context.consent` of an event sent under `category` (undefined: analytics). */
const under = (category?: 'necessary' | 'functional', marketing = false) => ({
  context: {
    consent: {
      categoryPreferences: { analytics: category === undefined, functional: true, marketing },
      ...(category && { category }),
    },
  },
});
const visits = (s: S, anonymousId: string, category?: 'necessary' | 'functional') =>
  [3 * DAY, 2 * DAY, HOUR].map((ago) =>
    s.event({ type: 'page', at: s.now() - ago, anonymousId, ...under(category) }),
  );

describe('events sent under necessary or functional consent', () => {
  it('feed no segment, neither when caught up nor when rebuilt from events', async () => {
    s = await segmentCollector();
    // Alone in a batch first: the engine must still move past them.
    await s.send(...visits(s, 'nec', 'necessary'), ...visits(s, 'fun', 'functional'));
    await s.send(
      ...visits(s, 'ana'),
      // Two analytics days and one necessary one: occasional, not repeat.
      ...visits(s, 'mix').slice(1),
      s.event({ type: 'page', at: s.now() - 3 * DAY, anonymousId: 'mix', ...under('necessary') }),
      // A necessary sign-in event names the user but links no analytics history to them.
      s.event({
        event: 'Login',
        at: s.now() - HOUR,
        anonymousId: 'ana',
        userId: 'ada',
        ...under('necessary'),
      }),
    );
    const expected = {
      'repeat-visitors': ['a:ana'],
      occasional: ['a:mix'],
      new: ['a:ana', 'a:mix'],
    };
    const actual = async () =>
      Object.fromEntries(
        await Promise.all(Object.keys(expected).map(async (k) => [k, await s.members(k)])),
      );
    expect(await actual()).toEqual(expected);
    expect(await s.t.rows('SELECT count(*) AS n FROM events')).toEqual([
      expect.objectContaining({ n: 13 }), // stored all the same
    ]);
    expect(await s.t.rows('SELECT * FROM profile_links')).toEqual([]);

    const engine = s.t.deps.segmentEngine;
    expect(await engine.rebuildFacts(s.t.source.id)).toBe(2);
    await engine.recompute(s.t.source.id);
    expect(await actual()).toEqual(expected);

    // A summary emptied by an erasure is rebuilt from the profile's events alone.
    await s.t.rows(
      `UPDATE profile_facts SET stale = 1, event_count = 0, first_ts = NULL, latest_ts = NULL,
         latest_seq = NULL, context = NULL, packed = '' WHERE profile_id = 'a:mix'`,
    );
    await s.t.rows("UPDATE segment_profiles SET next_check_at = 0 WHERE profile_id = 'a:mix'");
    await s.sweep();
    expect(
      await s.t.rows("SELECT event_count FROM profile_facts WHERE profile_id = 'a:mix'"),
    ).toEqual([expect.objectContaining({ event_count: 2 })]);
    expect(await actual()).toEqual(expected);

    // The profile lookup still shows everything stored.
    const profile = await s.t.admin('/api/v1/profiles/nec');
    expect((await profile.json()).recentEvents).toHaveLength(3);
  });

  it('give no traits to audience exports', async () => {
    s = await segmentCollector();
    const at = s.now() - HOUR;
    const identify = (userId: string, email: string, category?: 'necessary' | 'functional') =>
      s.event({
        type: 'identify',
        at,
        anonymousId: `anon-${userId}`,
        userId,
        traits: { email },
        // Marketing granted: an audience file holds only members who allow it.
        ...under(category, true),
      });
    await s.send(
      identify('ada', 'ada@example.com', 'necessary'),
      identify('bob', 'bob@example.com', 'functional'),
      identify('cy', 'cy@example.com'),
      ...['ada', 'bob', 'cy'].map((userId) =>
        s.event({
          event: 'Purchase',
          at,
          anonymousId: `anon-${userId}`,
          userId,
          ...under(undefined, true),
        }),
      ),
    );
    await s.createSegment({
      key: 'buyers',
      name: 'Buyers',
      rule: { type: 'performed', event: 'Purchase', within: '30d' },
    });
    expect(await s.members('buyers')).toEqual(['u:ada', 'u:bob', 'u:cy']);

    const res = await s.t.admin('/api/v1/segments/buyers/export?format=audience');
    const sha = (v: string) => createHash('sha256').update(v).digest('hex');
    expect((await res.text()).trim().split('\n')).toEqual([
      'email,phone',
      `${sha('cy@example.com')},`,
    ]);
  });
});
