import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentReport } from '../../collector/reports/content.js';
import { CONTENT_EVENTS as E } from '../../shared/content-events.js';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

const D1 = Date.parse('2026-04-01T12:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

let t: TestCollector;
beforeAll(async () => {
  t = await testCollector();
  const video = (event: string, anonymousId: string, props: Record<string, unknown> = {}, ms = 0) =>
    trackEvent({
      event,
      anonymousId,
      timestamp: at(D1 + ms),
      properties: { content_id: 'vid-1', content_name: 'Grinder demo', ...props },
    });
  const batch = [
    video(E.videoStart, 'a'),
    video(E.videoProgress, 'a', { percent: 25, watched_seconds: 2.5 }, 1),
    video(E.videoComplete, 'a', { watched_seconds: 7.5 }, 2),
    video(E.videoStart, 'a', {}, 3),
    video(E.videoPause, 'a', { watched_seconds: 1 }, 4),
    video(E.videoStart, 'b', {}, 5),
    video(E.videoProgress, 'b', { percent: 25, watched_seconds: 'oops' }, 6),
    video(E.contentLike, 'b', {}, 7),
    video(E.contentShare, 'b', { method: 'copy_link' }, 8),
    video(E.contentComment, 'c', { comment_length: 12 }, 9),
    video(E.videoStart, 'c', { content_id: 'vid-2', content_name: undefined }, 86_400_000),
    // Not content: no content_id, not a content event, or a page that bears its name.
    trackEvent({
      type: 'page',
      event: undefined,
      name: E.videoStart,
      anonymousId: 'd',
      timestamp: at(D1),
      properties: { content_id: 'vid-1' },
    }),
    trackEvent({ event: E.videoStart, anonymousId: 'd', timestamp: at(D1), properties: {} }),
    trackEvent({
      event: 'ViewContent',
      anonymousId: 'd',
      timestamp: at(D1),
      properties: { content_id: 'vid-1' },
    }),
  ];
  const res = await t.post('/v1/batch', { batch }, t.basic());
  expect(await res.json()).toMatchObject({ accepted: batch.length });
});
afterAll(() => t?.close());

describe('contentReport', () => {
  const scope = { fromMs: Date.parse('2026-04-01'), toMs: Date.parse('2026-04-03') };

  it('counts views, engagement, watch time and completion per content item', async () => {
    const r = await contentReport(t.deps.database.client, scope);
    expect(r.items).toEqual([
      {
        contentId: 'vid-1',
        contentName: 'Grinder demo',
        views: 3,
        viewers: 2,
        completions: 1,
        completionRate: 1 / 3,
        likes: 1,
        comments: 1,
        shares: 1,
        watchSeconds: 11,
      },
      expect.objectContaining({ contentId: 'vid-2', contentName: null, views: 1, watchSeconds: 0 }),
    ]);
    expect(r.daily).toEqual([
      { day: '2026-04-01', views: 3, completions: 1 },
      { day: '2026-04-02', views: 1, completions: 0 },
    ]);
  });

  it('restricts the report to the members of a segment, users through their linked ids', async () => {
    const db = t.deps.database.client;
    await db.execute({
      sql: `INSERT INTO segment_memberships (segment_id, source_id, profile_id, entered_at)
            VALUES ('seg-1', ?, 'u:user-b', 0), ('seg-1', ?, 'a:c', 0), ('seg-2', ?, 'a:a', 0)`,
      args: [t.source.id, t.source.id, t.source.id],
    });
    await db.execute({
      sql: `INSERT INTO profile_links (source_id, anonymous_id, user_id, linked_at) VALUES (?, 'b', 'user-b', 0)`,
      args: [t.source.id],
    });
    await db.execute("UPDATE segment_memberships SET exited_at = 1 WHERE profile_id = 'a:c'");
    const r = await contentReport(db, scope, { segmentId: 'seg-1' });
    expect(r.items).toEqual([
      expect.objectContaining({
        contentId: 'vid-1',
        views: 1,
        viewers: 1,
        likes: 1,
        comments: 0,
        shares: 1,
      }),
    ]);
  });

  it("counts a member's events in the segment's own source only, not another site's same id", async () => {
    const db = t.deps.database.client;
    const other = await t.deps.sources.create({ name: 'Other shop', allowedOrigins: [] });
    const view = trackEvent({
      event: E.videoStart,
      userId: 'user-b',
      timestamp: at(D1),
      properties: { content_id: 'vid-9' },
    });
    const res = await t.post('/v1/batch', { batch: [view] }, t.basic(other.writeKey));
    expect(await res.json()).toMatchObject({ accepted: 1 });
    await db.execute({
      sql: `INSERT INTO segment_memberships (segment_id, source_id, profile_id, entered_at)
            VALUES ('seg-3', ?, 'u:user-b', 0)`,
      args: [t.source.id],
    });
    const r = await contentReport(db, scope, { segmentId: 'seg-3' });
    expect(r.items.map((i) => i.contentId)).toEqual(['vid-1']);
  });
});
