import { type TestCollector, testCollector } from '../helpers.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A collector whose clock the test moves; the engine's sweep timer is off (we call it). */
export async function segmentCollector(
  start = Date.parse('2026-03-11T12:00:00Z'),
  env: Record<string, string> = {},
) {
  let clock = start;
  const t = await testCollector({ now: () => clock, segmentSweepMs: 0, env });
  await t.deps.segmentEngine.idle();
  let n = 0;
  const event = (over: Record<string, unknown> & { at: number }) => {
    const { at, ...rest } = over;
    n++;
    return {
      type: 'track',
      messageId: `m-${n}-${Math.random()}`,
      anonymousId: 'anon-1',
      timestamp: new Date(at).toISOString(),
      ...rest,
    };
  };
  return {
    t,
    event,
    now: () => clock,
    advance: (ms: number) => {
      clock += ms;
    },
    async send(...batch: Record<string, unknown>[]) {
      const res = await t.post('/v1/batch', { batch }, t.basic());
      if (res.status !== 200) throw new Error(`ingest failed ${res.status}`);
      await t.deps.segmentEngine.idle();
    },
    async sweep() {
      await t.deps.segmentEngine.sweep();
    },
    /** Saves a segment through the marketer API and waits for its first computation. */
    async createSegment(segment: { key: string; name: string; rule: unknown }) {
      const res = await t.admin('/api/v1/segments', {
        method: 'POST',
        body: JSON.stringify(segment),
      });
      if (res.status !== 201) throw new Error(`segment not created ${res.status}`);
      await t.deps.segmentEngine.idle();
    },
    members: (key: string, source = t.source.id) => members(t, key, source),
  };
}

export async function members(t: TestCollector, key: string, sourceId: string) {
  const rows = await t.rows(
    `SELECT m.profile_id FROM segment_memberships m JOIN segments s ON s.id = m.segment_id
     WHERE s.key = '${key}' AND s.source_id = '${sourceId}' AND m.exited_at IS NULL ORDER BY m.profile_id`,
  );
  return rows.map((r) => String(r.profile_id));
}
