import { afterEach, describe, expect, it } from 'vitest';
import type { ConsentRow } from '../../collector/ingest/writer.js';
import { consentRow, eventRow, type TestCollector, testCollector } from './helpers.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

// Consent records go through the ingest writer: on the write thread (the server, a local
// file) and through json_each on the main connection (remote databases).
describe.each([
  { path: 'the write thread', writeThread: true },
  { path: 'the main connection', writeThread: false },
])('consent records committed through $path', ({ writeThread }) => {
  let t: TestCollector;
  afterEach(() => t.close());
  const open = async () => {
    t = await testCollector({ now: () => NOW, writeThread, env: { TRUST_PROXY: 'true' } });
  };

  it('stores every column of a decision, answered once committed', async () => {
    await open();
    const res = await t.post(
      '/v1/consent',
      {
        id: 'consent-9',
        anonymousId: 'anon-9',
        userId: 'user-9',
        categories: { analytics: true, marketing: true, personalization: false },
        revision: 3,
        source: 'settings',
        givenAt: '2026-11-25T11:59:58Z',
        expiresAt: Date.parse('2027-05-26T11:59:58Z'),
        language: 'de-CH',
        policyVersion: 'v7',
      },
      { ...t.basic(), 'Sec-GPC': '1', 'User-Agent': 'UA/9', 'X-Forwarded-For': '198.51.100.23' },
    );
    const categories = {
      analytics: true,
      marketing: false,
      personalization: false,
      necessary: true,
    };
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: 'consent-9', categories });
    // The answer comes after the commit: the main connection reads the row at once.
    const rows = await t.rows('SELECT * FROM consent_records');
    expect(rows.map((r) => ({ ...r }))).toEqual([
      {
        seq: 1,
        id: 'consent-9',
        source_id: t.source.id,
        anonymous_id: 'anon-9',
        user_id: 'user-9',
        categories: JSON.stringify(categories),
        revision: 3,
        decision_source: 'settings',
        policy_version: 'v7',
        language: 'de-CH',
        gpc: 1,
        user_agent: 'UA/9',
        ip_truncated: '198.51.100.0',
        given_at: Date.parse('2026-11-25T11:59:58Z'),
        expires_at: Date.parse('2027-05-26T11:59:58Z'),
        received_at: NOW,
      },
    ]);
  });

  it('leaves the optional columns empty and counts a decision in the writer metrics', async () => {
    await open();
    const body = { id: 'c-min', categories: {}, source: 'api', givenAt: 5 };
    expect((await t.post('/v1/consent', body, t.basic())).status).toBe(201);
    const [row] = await t.rows('SELECT * FROM consent_records');
    expect(row).toMatchObject({
      anonymous_id: null,
      user_id: null,
      categories: '{"necessary":true}',
      revision: 1,
      policy_version: null,
      language: null,
      gpc: 0,
      user_agent: null,
      given_at: 5,
      expires_at: null,
    });
    const metrics = t.deps.metrics.render();
    expect(metrics).toMatch(/^segmently_writer_flush_rows_sum 1$/m);
    expect(metrics).toMatch(/^segmently_writer_flush_rows_count 1$/m);
  });

  it('commits decisions and events of concurrent requests together; a bad row fails only its own request', async () => {
    await open();
    const { writer } = t.deps;
    const flushes = writer.stats.flushes;
    const event = writer.write([eventRow(t.source.id, 'm1')]);
    const good = writer.write([], [], [consentRow(t.source.id, 'c-good')]);
    // NULL in a NOT NULL column: the types rule it out, a bug could still send one.
    const noId = [null, ...consentRow(t.source.id, 'x').slice(1)] as unknown as ConsentRow;
    const bad = writer.write([], [], [noId]);
    const alsoGood = writer.write(
      [eventRow(t.source.id, 'm2')],
      [],
      [consentRow(t.source.id, 'c-too')],
    );
    await expect(bad).rejects.toThrow(/NOT NULL/);
    await expect(Promise.all([event, good, alsoGood])).resolves.toBeDefined();
    // The group's commit failed; each request was then committed alone, the bad one failing.
    expect(writer.stats.flushes - flushes).toBe(3);
    expect((await t.rows()).map((r) => r.message_id)).toEqual(['m1', 'm2']);
    const consent = await t.rows('SELECT id FROM consent_records ORDER BY seq');
    expect(consent.map((r) => r.id)).toEqual(['c-good', 'c-too']);
  });

  it('commits concurrent decisions in one group', async () => {
    await open();
    const { writer } = t.deps;
    const flushes = writer.stats.flushes;
    await Promise.all(
      ['c1', 'c2', 'c3'].map((id) => writer.write([], [], [consentRow(t.source.id, id)])),
    );
    expect(writer.stats.flushes - flushes).toBe(1);
    expect(await t.rows('SELECT id FROM consent_records')).toHaveLength(3);
  });

  it('stores a decision re-sent in the same group or later once', async () => {
    await open();
    const { writer } = t.deps;
    const again = () => writer.write([], [], [consentRow(t.source.id, 'c-same')]);
    await Promise.all([again(), again()]);
    await again();
    expect(await t.rows('SELECT id FROM consent_records')).toHaveLength(1);
  });

  it('answers 503 shutting_down once the writer is closed', async () => {
    await open();
    await t.deps.writer.close();
    const body = { id: 'late', categories: {}, source: 'api', givenAt: 5 };
    const res = await t.post('/v1/consent', body, t.basic());
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBe('5');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('shutting_down');
  });
});
