import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startEngineThread } from '../../../collector/segments/engine-thread.js';
import { type TestCollector, testCollector } from '../helpers.js';

/** The server's setup: the segment engine on its own thread and connection, real clock. */
describe('segment engine on its own thread', () => {
  let t: TestCollector;
  beforeAll(async () => {
    t = await testCollector({ engineThread: true, writeThread: true });
  });
  afterAll(() => t.close());

  const q = () => `sourceId=${t.source.id}`;
  const members = async (key: string) => {
    const res = await t.admin(`/api/v1/segments/${key}/members?${q()}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { members: { profileId: string }[] };
    return body.members.map((m) => m.profileId);
  };
  const send = async (...batch: Record<string, unknown>[]) => {
    const res = await t.post('/v1/batch', { batch }, t.basic());
    expect(res.status).toBe(200);
    await t.deps.segmentEngine.idle();
  };

  test('/metrics reports the CPU time of the main thread and of each worker thread', async () => {
    await send({ type: 'page', anonymousId: 'cpu' });
    const text = await (await t.app.request('/metrics')).text();
    const cpu = new Map(
      [...text.matchAll(/^segmently_thread_cpu_seconds_total\{thread="(\w+)"\} (\S+)$/gm)].map(
        (m) => [m[1], Number(m[2])],
      ),
    );
    expect([...cpu.keys()].sort()).toEqual([
      'checkpointer',
      'ingest_writer',
      'main',
      'segment_engine',
    ]);
    expect(cpu.get('main')).toBeGreaterThan(0);
    for (const seconds of cpu.values()) expect(seconds).toBeGreaterThanOrEqual(0);
  });

  test('the profile API shows the properties of recent events read on the thread', async () => {
    await send({
      type: 'track',
      event: 'AddToCart',
      anonymousId: 'shopper',
      properties: { cart_id: 'c1', value: 16 },
    });
    const profile = await t.admin(`/api/v1/profiles/shopper?${q()}`);
    expect(profile.status).toBe(200);
    const body = (await profile.json()) as { recentEvents: { properties: unknown }[] };
    expect(body.recentEvents.map((e) => e.properties)).toEqual([{ cart_id: 'c1', value: 16 }]);
  });

  test('commits reach memberships; profiles, links, preview and erasure go through it', async () => {
    await send(
      { type: 'page', anonymousId: 'v1', context: { locale: 'de-DE' } },
      { type: 'page', anonymousId: 'v2', context: { locale: 'fr-FR' } },
    );
    expect(await members('language-de')).toEqual(['a:v1']);
    expect(await members('language-fr')).toEqual(['a:v2']);

    await send({
      type: 'identify',
      anonymousId: 'v1',
      userId: 'user-1',
      traits: { plan: 'pro' },
      context: { locale: 'de-DE' },
    });
    const profile = await t.admin(`/api/v1/profiles/v1?${q()}`);
    expect(profile.status).toBe(200);
    const body = (await profile.json()) as { profileId: string; anonymousIds: string[] };
    expect(body.profileId).toBe('u:user-1');
    expect(body.anonymousIds).toEqual(['v1']);
    expect(await members('language-de')).toEqual(['u:user-1']);

    const preview = await t.admin('/api/v1/segments/preview', {
      method: 'POST',
      body: JSON.stringify({
        sourceId: t.source.id,
        rule: { type: 'context', field: 'language', op: 'eq', value: 'fr' },
      }),
    });
    expect(preview.status).toBe(200);
    expect(await preview.json()).toMatchObject({ count: 1, sample: ['a:v2'] });

    const erased = await t.admin(`/api/v1/profiles/v2?${q()}`, { method: 'DELETE' });
    expect(erased.status).toBe(200);
    await t.deps.segmentEngine.idle();
    expect(await members('language-fr')).toEqual([]);
  });
});

describe('segment engine thread gone', () => {
  test('a segment saved then is stored and its failed recompute logged, the collector stays up', async () => {
    const lines: { msg: string; fields?: object }[] = [];
    const t = await testCollector({
      engineThread: true,
      log: (msg, fields) => lines.push({ msg, fields }),
    });
    try {
      // As after the thread failed: every call to it is refused.
      await t.deps.segmentEngine.close();
      const res = await t.admin('/api/v1/segments', {
        method: 'POST',
        body: JSON.stringify({
          key: 'buyers',
          name: 'Buyers',
          rule: { type: 'performed', event: 'Purchase', within: '30d' },
        }),
      });
      expect(res.status).toBe(201);
      await vi.waitFor(() =>
        expect(lines).toContainEqual({
          msg: 'segment recompute failed',
          fields: expect.objectContaining({
            error: expect.stringContaining('segment engine thread exited'),
          }),
        }),
      );
    } finally {
      await t.close();
    }
  });
});

describe('a segment engine thread that stopped', () => {
  test('makes /health answer 503 segments_failing', async () => {
    const t = await testCollector({ engineThread: true });
    const lines: string[] = [];
    // Its database cannot be opened (a file where the folder should be): the thread ends.
    const stopped = startEngineThread(
      {
        url: 'file:/etc/hostname/segments.db',
        pragmas: [],
        sweepEveryMs: 0,
        allowPrivateWebhooks: false,
      },
      (msg) => lines.push(msg),
    );
    try {
      expect((await t.app.request('/health')).status).toBe(200);
      await vi.waitFor(() => expect(lines).toContain('segment engine thread stopped'));
      const running = t.deps.segmentEngine;
      t.deps.segmentEngine = stopped;
      const health = await t.app.request('/health');
      t.deps.segmentEngine = running;
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'segments_failing' });
    } finally {
      await stopped.close();
      await t.close();
    }
  });
});
