import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Source } from '../../collector/sources/store.js';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

let t: TestCollector;
let other: Source;
beforeEach(async () => {
  t = await testCollector();
  other = await t.deps.sources.create({ name: 'Other tenant' });
});
afterEach(() => t.close());

describe('tenant isolation', () => {
  it("stores the same messageId once per source: one tenant cannot shadow another's events", async () => {
    const event = trackEvent({ messageId: 'shared-id' });
    await t.post('/v1/batch', { batch: [event] }, t.basic());
    await t.post('/v1/batch', { batch: [{ ...event, event: 'Spoof' }] }, t.basic(other.writeKey));
    const rows = await t.rows('SELECT source_id, event FROM events ORDER BY seq');
    expect(rows.map((r) => [r.source_id, r.event])).toEqual([
      [t.source.id, 'AddToCart'],
      [other.id, 'Spoof'],
    ]);
  });

  it('stamps rows with the source of the write key, whatever the body claims', async () => {
    await t.post(
      '/v1/batch',
      { batch: [trackEvent({ sourceId: t.source.id, context: { sourceId: t.source.id } })] },
      t.basic(other.writeKey),
    );
    expect((await t.rows())[0]?.source_id).toBe(other.id);
  });

  it("keeps a source's failed events out of another source's replay and listing", async () => {
    await t.post(
      '/v1/batch',
      { batch: [{ type: 'nope', anonymousId: 'x' }] },
      t.basic(other.writeKey),
    );
    const mine = await (await t.admin(`/api/v1/failed-events?sourceId=${t.source.id}`)).json();
    expect(mine.failedEvents).toEqual([]);
    const theirs = await (await t.admin(`/api/v1/failed-events?sourceId=${other.id}`)).json();
    expect(theirs.failedEvents).toHaveLength(1);
  });

  it('exports one source only with ?sourceId=', async () => {
    await t.post('/v1/batch', { batch: [trackEvent({ anonymousId: 'same-person' })] }, t.basic());
    await t.post(
      '/v1/batch',
      { batch: [trackEvent({ anonymousId: 'same-person' })] },
      t.basic(other.writeKey),
    );
    const res = await t.admin(`/api/v1/profiles/same-person/export?sourceId=${other.id}`);
    const { events } = await res.json();
    expect(events.map((e: { source_id: string }) => e.source_id)).toEqual([other.id]);
  });

  it('rotating a write key locks the old one out at once and keeps the data', async () => {
    await t.post('/v1/batch', { batch: [trackEvent()] }, t.basic());
    const res = await t.admin(`/api/v1/sources/${t.source.id}/rotate-key`, { method: 'POST' });
    const rotated = await res.json();
    expect(rotated.writeKey).not.toBe(t.source.writeKey);
    const old = await t.post('/v1/batch', { batch: [trackEvent()] }, t.basic());
    expect(old.status).toBe(401);
    expect((await old.json()).error.code).toBe('invalid_write_key');
    const fresh = await t.post('/v1/batch', { batch: [trackEvent()] }, t.basic(rotated.writeKey));
    expect(fresh.status).toBe(200);
    expect(await t.rows()).toHaveLength(2);
  });

  it('reads, lists and updates retention and origins through the admin API', async () => {
    const patch = await t.admin(`/api/v1/sources/${other.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ retentionDays: 90, allowedOrigins: ['https://b.example/x', '*'] }),
    });
    expect(await patch.json()).toMatchObject({
      retentionDays: 90,
      allowedOrigins: ['https://b.example', '*'],
    });
    const one = await (await t.admin(`/api/v1/sources/${other.id}`)).json();
    expect(one).toMatchObject({ name: 'Other tenant', retentionDays: 90 });
    const { sources } = await (await t.admin('/api/v1/sources')).json();
    expect(sources.map((s: { name: string }) => s.name)).toEqual(['Test', 'Other tenant']);
    expect((await t.admin('/api/v1/sources/nope')).status).toBe(404);
    const bad = await t.admin(`/api/v1/sources/${other.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ retentionDays: 0 }),
    });
    expect(bad.status).toBe(400);
  });
});
