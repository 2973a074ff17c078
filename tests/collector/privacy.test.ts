import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRetention } from '../../collector/privacy/retention.js';
import { loadSuppressions } from '../../collector/privacy/suppressions.js';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

const DAY = 86_400_000;
let now = Date.parse('2026-06-01T00:00:00.000Z');
let t: TestCollector;
beforeEach(async () => {
  now = Date.parse('2026-06-01T00:00:00.000Z');
  t = await testCollector({ now: () => now });
});
afterEach(() => t.close());

async function seedConsent(anonymousId: string) {
  await t.deps.database.client.execute({
    sql: `INSERT INTO consent_records (id, source_id, anonymous_id, categories, decision_source, given_at, received_at)
      VALUES (?, ?, ?, '{"analytics":true}', 'banner', ?, ?)`,
    args: [`c-${anonymousId}`, t.source.id, anonymousId, now, now],
  });
}

describe('profile export and erasure', () => {
  beforeEach(async () => {
    // Ada browses anonymously, then identifies; Bob is someone else.
    await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ anonymousId: 'anon-ada', event: 'ViewContent' }),
          trackEvent({
            type: 'identify',
            anonymousId: 'anon-ada',
            userId: 'ada',
            event: undefined,
          }),
          trackEvent({ anonymousId: undefined, userId: 'ada', event: 'Purchase' }),
          trackEvent({ anonymousId: 'anon-bob', event: 'ViewContent' }),
          { type: 'track', anonymousId: 'anon-ada' },
        ],
      },
      t.basic(),
    );
    await seedConsent('anon-ada');
    await seedConsent('anon-bob');
  });

  it('exports every stored row of a person, following identify links', async () => {
    const res = await t.admin('/api/v1/profiles/ada/export');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.linkedIds.sort()).toEqual(['ada', 'anon-ada']);
    expect(body.events.map((e: { event: string | null }) => e.event)).toEqual([
      'ViewContent',
      null,
      'Purchase',
    ]);
    expect(body.consentRecords).toHaveLength(1);
    expect(body.failedEvents).toHaveLength(1);
    expect(JSON.stringify(body)).not.toContain('anon-bob');
  });

  it('erases events, consent records and failed events of a person, and nobody else', async () => {
    const res = await t.admin('/api/v1/profiles/anon-ada', { method: 'DELETE' });
    expect(res.status).toBe(200);
    // Other modules' profile tables (segment memberships, ...) are erased too.
    expect((await res.json()).erased).toMatchObject({
      events: 3,
      consentRecords: 1,
      failedEvents: 1,
    });
    expect((await t.rows()).map((r) => r.anonymous_id)).toEqual(['anon-bob']);
    expect(await t.rows('SELECT anonymous_id FROM consent_records')).toEqual([
      expect.objectContaining({ anonymous_id: 'anon-bob' }),
    ]);
    expect(await t.rows('SELECT * FROM failed_events')).toHaveLength(0);
    const exported = await (await t.admin('/api/v1/profiles/ada/export')).json();
    expect(exported.events).toEqual([]);
  });

  it('drops and counts later events of an erased id, and keeps only a hash of it', async () => {
    await t.admin('/api/v1/profiles/ada', { method: 'DELETE' });
    const res = await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ anonymousId: 'anon-ada' }),
          trackEvent({ anonymousId: 'new-device', userId: 'ada' }),
          trackEvent({ anonymousId: 'anon-carol' }),
        ],
      },
      t.basic(),
    );
    expect(await res.json()).toEqual({ accepted: 3, rejected: [] });
    expect((await t.rows()).map((r) => r.anonymous_id)).toEqual(['anon-bob', 'anon-carol']);
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toContain('segmently_events_dropped_total{reason="suppressed"} 2');
    const stored = JSON.stringify(await t.rows('SELECT * FROM suppressions'));
    expect(stored).not.toContain('ada');
  });

  it('keeps neither the rejected payloads nor the consent decisions of an erased id', async () => {
    await t.admin('/api/v1/profiles/ada', { method: 'DELETE' });
    const res = await t.post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', anonymousId: 'anon-ada' },
          { type: 'track', userId: 'bob' },
        ],
      },
      t.basic(),
    );
    expect((await res.json()).rejected).toHaveLength(2);
    expect(await t.rows("SELECT payload->>'userId' AS id FROM failed_events")).toEqual([
      { id: 'bob' },
    ]);
    const decision = {
      id: 'c-again',
      anonymousId: 'anon-ada',
      categories: { analytics: true },
      source: 'banner',
      givenAt: now,
    };
    expect((await t.post('/v1/consent', decision, t.basic())).status).toBe(201);
    expect(await t.rows("SELECT * FROM consent_records WHERE anonymous_id = 'anon-ada'")).toEqual(
      [],
    );
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toContain('segmently_consent_records_dropped_total{reason="suppressed"} 1');
  });

  it('drops the next event of an id erased after its events were checked against the list', async () => {
    await t.admin('/api/v1/profiles/ada', { method: 'DELETE' });
    const bobsEvent = () =>
      t.post('/v1/batch', { batch: [trackEvent({ anonymousId: 'anon-bob' })] }, t.basic());
    // With a list to check, Bob's id is hashed (and that hash remembered) while he is allowed.
    await bobsEvent();
    await t.admin('/api/v1/profiles/anon-bob', { method: 'DELETE' });
    expect(await (await bobsEvent()).json()).toEqual({ accepted: 1, rejected: [] });
    expect(await t.rows("SELECT * FROM events WHERE anonymous_id = 'anon-bob'")).toEqual([]);
  });

  it('leaves no copy of what it erased in the database file', async () => {
    const secret = (big: boolean) =>
      trackEvent({
        anonymousId: 'anon-ada',
        properties: { note: `SECRET-NOTE${big ? 'x'.repeat(6000) : ''}` },
      });
    await t.post('/v1/batch', { batch: [secret(true), secret(false), secret(false)] }, t.basic());
    await t.deps.segmentEngine.idle();
    await t.admin('/api/v1/profiles/ada', { method: 'DELETE' });
    await t.deps.database.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    const file = readFileSync(join(t.dir, 'test.db')).toString('latin1');
    expect(file.includes('SECRET-NOTE')).toBe(false);
    expect(file.includes('anon-ada')).toBe(false);
    expect(file.includes('anon-bob')).toBe(true);
  });

  it('keeps suppressions across a restart', async () => {
    await t.admin('/api/v1/profiles/ada', { method: 'DELETE' });
    const reloaded = await loadSuppressions(t.deps.database.db);
    expect(reloaded.has(t.source.id, 'anon-ada')).toBe(true);
    expect(reloaded.has(t.source.id, 'anon-bob')).toBe(false);
  });

  it('limits erasure to one source with ?sourceId=', async () => {
    const other = await t.deps.sources.create({ name: 'Other' });
    await t.post(
      '/v1/batch',
      { batch: [trackEvent({ anonymousId: 'anon-ada' })] },
      t.basic(other.writeKey),
    );
    await t.admin(`/api/v1/profiles/anon-ada?sourceId=${other.id}`, { method: 'DELETE' });
    expect((await t.rows(`SELECT * FROM events WHERE source_id = '${other.id}'`)).length).toBe(0);
    expect((await t.rows("SELECT * FROM events WHERE anonymous_id = 'anon-ada'")).length).toBe(2);
    const back = await t.post(
      '/v1/batch',
      { batch: [trackEvent({ anonymousId: 'anon-ada' })] },
      t.basic(),
    );
    expect((await back.json()).accepted).toBe(1);
    expect((await t.rows("SELECT * FROM events WHERE anonymous_id = 'anon-ada'")).length).toBe(3);
  });
});

describe('the person an erasure or export covers', () => {
  const ids = (rows: Record<string, unknown>[]) =>
    rows.map((r) => [r.anonymous_id, r.user_id, r.previous_id].filter(Boolean).join('/'));

  it("includes the consent decisions the person's events name, also those sent without an id", async () => {
    const named = (id: string) => ({
      context: { consent: { id, categoryPreferences: { analytics: true } } },
    });
    await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ anonymousId: 'anon-cy', ...named('rec-cy') }),
          trackEvent({ anonymousId: 'anon-dee', ...named('rec-dee') }),
        ],
      },
      t.basic(),
    );
    const decide = (id: string, extra: Record<string, unknown>) =>
      t.post('/v1/consent', { id, source: 'banner', categories: {}, ...extra }, t.basic());
    await decide('rec-cy', { anonymousId: 'anon-cy', givenAt: now - 2000 });
    // "Reject all": the SDK no longer holds the anonymous id it would send.
    await decide('rec-cy', { givenAt: now - 1000 });
    await decide('rec-dee', { givenAt: now - 1000 });

    const exported = await (await t.admin('/api/v1/profiles/anon-cy/export')).json();
    expect(exported.consentRecords.map((r: { given_at: number }) => r.given_at)).toEqual([
      now - 2000,
      now - 1000,
    ]);
    const erased = await (await t.admin('/api/v1/profiles/anon-cy', { method: 'DELETE' })).json();
    expect(erased.erased).toMatchObject({ consentRecords: 2, events: 1 });
    expect((await t.rows('SELECT id FROM consent_records ORDER BY seq')).map((r) => r.id)).toEqual([
      'rec-dee',
    ]);
  });

  it("leaves out another visitor's decisions of the same browser (its record id), after a logout's reset()", async () => {
    const withRecord = (anonymousId: string) =>
      trackEvent({
        anonymousId,
        context: { consent: { id: 'rec-shared', categoryPreferences: { analytics: true } } },
      });
    const decide = (extra: Record<string, unknown>) =>
      t.post(
        '/v1/consent',
        { id: 'rec-shared', source: 'banner', categories: {}, ...extra },
        t.basic(),
      );
    await decide({ anonymousId: 'first', givenAt: now - 3000 });
    await t.post('/v1/batch', { batch: [withRecord('first'), withRecord('second')] }, t.basic());
    await decide({ givenAt: now - 1000 });

    const exported = await (await t.admin('/api/v1/profiles/second/export')).json();
    expect(
      exported.consentRecords.map((r: { anonymous_id: string | null }) => r.anonymous_id),
    ).toEqual([null]);
    await t.admin('/api/v1/profiles/second', { method: 'DELETE' });
    expect(await t.rows('SELECT anonymous_id FROM consent_records')).toEqual([
      { anonymous_id: 'first' },
    ]);
  });

  it('includes the ids an alias retired, and the events naming them', async () => {
    await t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ anonymousId: 'old-anon' }),
          { type: 'alias', previousId: 'old-anon', userId: 'u1' },
          trackEvent({ anonymousId: undefined, userId: 'u1' }),
          trackEvent({ anonymousId: 'other' }),
        ],
      },
      t.basic(),
    );
    const exported = await (await t.admin('/api/v1/profiles/old-anon/export')).json();
    expect(exported.linkedIds.sort()).toEqual(['old-anon', 'u1']);
    expect(ids(exported.events)).toEqual(['old-anon', 'u1/old-anon', 'u1']);
    await t.admin('/api/v1/profiles/old-anon', { method: 'DELETE' });
    expect(ids(await t.rows())).toEqual(['other']);
  });

  const shareABrowser = () =>
    t.post(
      '/v1/batch',
      {
        batch: [
          trackEvent({ type: 'identify', anonymousId: 'phone', userId: 'ada', event: undefined }),
          trackEvent({ anonymousId: 'laptop', userId: 'ada' }),
          trackEvent({ anonymousId: 'laptop' }),
          // One shared browser, two logins.
          trackEvent({ anonymousId: 'shared', userId: 'ada' }),
          trackEvent({ anonymousId: 'shared', userId: 'bob' }),
          trackEvent({ anonymousId: 'bob-phone', userId: 'bob' }),
        ],
      },
      t.basic(),
    );

  it("includes the user's other devices, but not those of another user sharing one", async () => {
    await shareABrowser();
    const exported = await (await t.admin('/api/v1/profiles/phone/export')).json();
    expect(JSON.stringify(exported.events)).not.toContain('bob');
    await t.admin('/api/v1/profiles/phone', { method: 'DELETE' });
    // The shared browser's events go with ada's ids, but for the one naming bob; bob's own
    // device stays.
    expect(ids(await t.rows())).toEqual(['shared/bob', 'bob-phone/bob']);
  });

  it('takes in no other devices for an id that links to several users', async () => {
    await shareABrowser();
    await t.admin('/api/v1/profiles/shared', { method: 'DELETE' });
    // Both users' own rows go (they name them); ada's anonymous laptop visit stays.
    expect(ids(await t.rows())).toEqual(['laptop']);
  });

  it("follows links only within the source that made them: another site's user 42 is someone else", async () => {
    const other = await t.deps.sources.create({ name: 'Other' });
    await t.post(
      '/v1/batch',
      { batch: [trackEvent({ anonymousId: 'visitor', userId: '42' })] },
      t.basic(),
    );
    const othersUser42 = () =>
      t.post(
        '/v1/batch',
        { batch: [trackEvent({ anonymousId: 'their-phone', userId: '42' })] },
        t.basic(other.writeKey),
      );
    await othersUser42();
    const exported = await (await t.admin('/api/v1/profiles/visitor/export')).json();
    expect(exported.linkedIds.sort()).toEqual(['42', 'visitor']);
    expect(exported.events.map((e: { source_id: string }) => e.source_id)).toEqual([t.source.id]);

    await t.admin('/api/v1/profiles/visitor', { method: 'DELETE' });
    await othersUser42();
    await t.post('/v1/batch', { batch: [trackEvent({ userId: '42' })] }, t.basic());
    const left = await t.rows('SELECT source_id, anonymous_id FROM events ORDER BY seq');
    expect(left).toEqual([
      { source_id: other.id, anonymous_id: 'their-phone' },
      { source_id: other.id, anonymous_id: 'their-phone' },
    ]);
  });

  it('matches numeric ids in rejected payloads, as ingest stores them', async () => {
    await t.post(
      '/v1/batch',
      { batch: [{ type: 'track', userId: 42, properties: { email: 'x@example.com' } }] },
      t.basic(),
    );
    const exported = await (await t.admin('/api/v1/profiles/42/export')).json();
    expect(exported.failedEvents).toHaveLength(1);
    await t.admin('/api/v1/profiles/42', { method: 'DELETE' });
    expect(await t.rows('SELECT * FROM failed_events')).toEqual([]);
  });

  it('finds the ids of a rejected payload nested deeper than SQLite reads JSON, which stays unreplayable', async () => {
    const deep = JSON.parse(`${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`);
    const res = await t.post(
      '/v1/batch',
      { batch: [{ ...trackEvent({ anonymousId: 'deep-visitor' }), properties: deep }] },
      t.basic(),
    );
    expect((await res.json()).rejected).toEqual([expect.objectContaining({ code: 'too_deep' })]);
    const [failed] = await t.rows('SELECT id FROM failed_events');
    const replay = await t.admin(`/api/v1/failed-events/${failed?.id}/replay`, { method: 'POST' });
    expect(replay.status).toBe(422);
    const exported = await (await t.admin('/api/v1/profiles/deep-visitor/export')).json();
    expect(exported.failedEvents).toHaveLength(1);
    await t.admin('/api/v1/profiles/deep-visitor', { method: 'DELETE' });
    expect(await t.rows('SELECT * FROM failed_events')).toEqual([]);
  });
});

describe('retention job', () => {
  it('goes on with the other sources when one fails, and then says it failed', async () => {
    const other = await t.deps.sources.create({ name: 'Other' });
    const old = () => trackEvent({ timestamp: new Date(now - 400 * DAY).toISOString() });
    await t.post('/v1/batch', { batch: [old()] }, t.basic());
    await t.post('/v1/batch', { batch: [old()] }, t.basic(other.writeKey));
    const failing = async (sourceId: string) => {
      if (sourceId === t.source.id) throw new Error('engine thread gone');
      return 0;
    };
    await expect(
      runRetention(t.deps.database.client, now, { segmentMemberships: failing }),
    ).rejects.toThrow('engine thread gone');
    expect(await t.rows('SELECT * FROM events')).toEqual([]);
  });

  it("deletes events older than each source's retentionDays, by the injected clock", async () => {
    const short = await t.deps.sources.create({ name: 'Short', retentionDays: 30 });
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    const batch = [
      trackEvent({ timestamp: at(400) }),
      trackEvent({ timestamp: at(40) }),
      trackEvent({ timestamp: at(1) }),
    ];
    await t.post('/v1/batch', { batch }, t.basic());
    await t.post('/v1/batch', { batch: batch.map((e) => ({ ...e })) }, t.basic(short.writeKey));
    await t.post(
      '/v1/batch',
      { batch: [{ type: 'nope', anonymousId: 'x' }] },
      t.basic(short.writeKey),
    );

    expect(await runRetention(t.deps.database.client, now)).toEqual({
      events: 1 + 2,
      failedEvents: 0,
      consentRecords: 0,
    });
    const left = await t.rows('SELECT source_id, timestamp FROM events ORDER BY seq');
    expect(
      left.map((r) => [
        r.source_id === short.id ? 'short' : 'default',
        (now - Number(r.timestamp)) / DAY,
      ]),
    ).toEqual([
      ['default', 40],
      ['default', 1],
      ['short', 1],
    ]);
    now += 31 * DAY;
    expect(await runRetention(t.deps.database.client, now)).toEqual({
      events: 1,
      failedEvents: 1,
      consentRecords: 0,
    });
  });

  it("prunes consent records older than the source's cutoff, but each visitor's latest", async () => {
    const short = await t.deps.sources.create({ name: 'Short', retentionDays: 30 });
    const records: [string, string, string | null, string | null, number, number?][] = [
      // [id, source, anonymous id, user id, received (days ago), given (days ago) if not then]
      ['a1-old', t.source.id, 'a1', null, 420],
      ['a1-latest', t.source.id, 'a1', null, 400],
      ['a2-old', t.source.id, 'a2', null, 420],
      ['a2-latest', t.source.id, 'a2', null, 10],
      ['ada-old', t.source.id, null, 'ada', 420],
      ['ada-latest', t.source.id, null, 'ada', 10],
      // Superseded for its anonymous id, but still the latest of user bob.
      ['a5-bob', t.source.id, 'a5', 'bob', 420],
      ['a5-latest', t.source.id, 'a5', null, 10],
      // Received later, but given earlier (a skewed clock): the decision order counts.
      ['a6-latest', t.source.id, 'a6', null, 420],
      ['a6-given-earlier', t.source.id, 'a6', null, 410, 430],
      ['nobody', t.source.id, null, null, 420],
      ['a1-40d', t.source.id, 'a1', null, 40, 401],
      ['short-a1-old', short.id, 'a1', null, 40],
      ['short-a1-latest', short.id, 'a1', null, 5],
    ];
    for (const [id, sourceId, anonymousId, userId, received, given = received] of records) {
      await t.deps.database.client.execute({
        sql: `INSERT INTO consent_records (id, source_id, anonymous_id, user_id, categories, decision_source, given_at, received_at)
          VALUES (?, ?, ?, ?, '{"analytics":true}', 'banner', ?, ?)`,
        args: [id, sourceId, anonymousId, userId, now - given * DAY, now - received * DAY],
      });
    }
    expect(await t.runRetention()).toMatchObject({ consentRecords: 6 });
    const left = await t.rows('SELECT id FROM consent_records ORDER BY seq');
    expect(left.map((r) => r.id)).toEqual([
      'a1-latest',
      'a2-latest',
      'ada-latest',
      'a5-bob',
      'a5-latest',
      'a6-latest',
      'a1-40d',
      'short-a1-latest',
    ]);
  });

  it("prunes a visitor's latest consent record once it expired or a later decision of its browser replaced it", async () => {
    const insert = async (id: string, anonymousId: string | null, days: number, expires?: number) =>
      t.deps.database.client.execute({
        sql: `INSERT INTO consent_records (id, source_id, anonymous_id, categories, decision_source, given_at, received_at, expires_at)
          VALUES (?, ?, ?, '{"analytics":true}', 'banner', ?, ?, ?)`,
        args: [id, t.source.id, anonymousId, now - days * DAY, now - days * DAY, expires ?? null],
      });
    await insert('browser-1', 'a7', 420);
    // Its refusal, sent without the anonymous id.
    await insert('browser-1', null, 10);
    await insert('browser-2', 'a8', 420, now - 200 * DAY);
    await insert('browser-3', 'a9', 420, now + DAY);
    expect(await t.runRetention()).toMatchObject({ consentRecords: 2 });
    const left = await t.rows('SELECT id, anonymous_id FROM consent_records ORDER BY seq');
    expect(left.map((r) => `${r.id}/${r.anonymous_id}`)).toEqual([
      'browser-1/null',
      'browser-3/a9',
    ]);
  });

  it('prunes ended segment stays and finished webhook deliveries, never open or pending ones', async () => {
    const short = await t.deps.sources.create({ name: 'Short', retentionDays: 30 });
    const segmentOf = async (sourceId: string) =>
      String(
        (await t.rows(`SELECT id FROM segments WHERE source_id = '${sourceId}' LIMIT 1`))[0]?.id,
      );
    const long = await segmentOf(t.source.id);
    const brief = await segmentOf(short.id);
    const ago = (days: number | null) => (days === null ? null : now - days * DAY);
    const stays: [string, string, string, number, number | null][] = [
      // [segment, source, profile, entered (days ago), exited (days ago)]
      [long, t.source.id, 'a:ended-400d', 500, 400],
      [long, t.source.id, 'a:ended-40d', 500, 40],
      [long, t.source.id, 'a:open-500d', 500, null],
      [brief, short.id, 'a:ended-40d', 50, 40],
      [brief, short.id, 'a:ended-5d', 50, 5],
      [brief, short.id, 'a:open-50d', 50, null],
    ];
    for (const [segment, source, profile, entered, exited] of stays) {
      await t.deps.database.client.execute({
        sql: `INSERT INTO segment_memberships (segment_id, source_id, profile_id, entered_at, exited_at, exit_reason)
          VALUES (?, ?, ?, ?, ?, ?)`,
        args: [
          segment,
          source,
          profile,
          ago(entered),
          ago(exited),
          exited === null ? null : 'rule',
        ],
      });
    }
    const deliveries: [string, string, number][] = [
      // [segment, status, created (days ago)]
      [long, 'delivered', 400],
      [long, 'failed', 400],
      [long, 'refused', 400],
      [long, 'pending', 400],
      [long, 'delivered', 40],
      [brief, 'delivered', 40],
      [brief, 'failed', 5],
    ];
    for (const [segment, status, created] of deliveries) {
      await t.deps.database.client.execute({
        sql: `INSERT INTO webhook_deliveries (segment_id, profile_id, kind, payload, status, created_at)
          VALUES (?, 'a:x', 'enter', '{}', ?, ?)`,
        args: [segment, status, ago(created)],
      });
    }

    expect(await t.runRetention()).toMatchObject({ segmentMemberships: 2, webhookDeliveries: 4 });
    const memberships = await t.rows(
      'SELECT segment_id, profile_id FROM segment_memberships ORDER BY id',
    );
    expect(
      memberships.map((m) => [m.segment_id === long ? 'long' : 'short', m.profile_id]),
    ).toEqual([
      ['long', 'a:ended-40d'],
      ['long', 'a:open-500d'],
      ['short', 'a:ended-5d'],
      ['short', 'a:open-50d'],
    ]);
    const left = await t.rows(
      'SELECT segment_id, status, created_at FROM webhook_deliveries ORDER BY id',
    );
    expect(
      left.map((d) => [
        d.segment_id === long ? 'long' : 'short',
        d.status,
        (now - Number(d.created_at)) / DAY,
      ]),
    ).toEqual([
      ['long', 'pending', 400],
      ['long', 'delivered', 40],
      ['short', 'failed', 5],
    ]);
  });
});

describe('failed events', () => {
  it('lists rejected events with reason and payload, newest first, filtered by code', async () => {
    await t.post(
      '/v1/batch',
      { batch: [{ type: 'track', anonymousId: 'a' }, 'junk', trackEvent()] },
      t.basic(),
    );
    const res = await t.admin(`/api/v1/failed-events?sourceId=${t.source.id}`);
    const { failedEvents } = await res.json();
    expect(failedEvents.map((f: { payload: string }) => f.payload)).toEqual([
      '"junk"',
      '{"type":"track","anonymousId":"a"}',
    ]);
    expect(failedEvents[1]).toMatchObject({
      code: 'invalid_event',
      message: expect.stringContaining('event'),
    });
    const none = await (await t.admin('/api/v1/failed-events?code=event_too_large')).json();
    expect(none.failedEvents).toEqual([]);
  });

  /** A track without its event name, kept in failed_events. */
  const storeFailedEvent = async () => {
    await t.post(
      '/v1/batch',
      { batch: [{ type: 'track', anonymousId: 'a', event: '' }] },
      t.basic(),
    );
    const [failed] = await t.rows('SELECT * FROM failed_events');
    return failed;
  };
  /** The validation fix: the stored payload is corrected (as an operator would after a bug). */
  const fixPayload = (failed: Record<string, unknown> | undefined) =>
    t.deps.database.client.execute({
      sql: `UPDATE failed_events SET payload = json_set(payload, '$.event', 'Fixed') WHERE id = ?`,
      args: [Number(failed?.id)],
    });

  it('replays a failed event: still invalid stays listed (422), valid now is stored and removed', async () => {
    const failed = await storeFailedEvent();
    const again = await t.admin(`/api/v1/failed-events/${failed?.id}/replay`, { method: 'POST' });
    expect(again.status).toBe(422);
    expect((await again.json()).error.code).toBe('still_invalid');
    expect(await t.rows('SELECT * FROM failed_events')).toHaveLength(1);

    await fixPayload(failed);
    const ok = await t.admin(`/api/v1/failed-events/${failed?.id}/replay`, { method: 'POST' });
    expect(await ok.json()).toEqual({ accepted: 1, rejected: [] });
    expect((await t.rows())[0]).toMatchObject({ event: 'Fixed', source_id: t.source.id });
    expect(await t.rows('SELECT * FROM failed_events')).toHaveLength(0);
    expect((await t.admin('/api/v1/failed-events/999/replay', { method: 'POST' })).status).toBe(
      404,
    );
  });

  it("keeps a rejected event with its batch's context and sentAt, its address truncated, and replays it as the original request would have been stored", async () => {
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
    const receivedAt = now;
    await t.post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', anonymousId: 'a', event: '', timestamp: '2026-06-01T01:00:00.000Z' },
        ],
        context: { userAgent: iphone, ip: '24.5.68.47' },
        // The device clock runs an hour fast.
        sentAt: '2026-06-01T01:00:02.000Z',
      },
      t.basic(),
    );
    const [failed] = await t.rows('SELECT * FROM failed_events');
    expect(failed?.payload).not.toContain('24.5.68.47');
    expect(JSON.parse(String(failed?.payload))).toMatchObject({
      sentAt: '2026-06-01T01:00:02.000Z',
      context: { userAgent: iphone, ip: '24.5.68.0' },
    });

    now += 3_600_000;
    await fixPayload(failed);
    await t.admin(`/api/v1/failed-events/${failed?.id}/replay`, { method: 'POST' });
    expect((await t.rows())[0]).toMatchObject({
      event: 'Fixed',
      device_type: 'mobile',
      os: 'ios',
      ip_truncated: '24.5.68.0',
      received_at: receivedAt,
      timestamp: receivedAt - 2_000,
    });
  });

  it('replays a payload stored with a lone surrogate escape as U+FFFD, as ingest stores it now', async () => {
    // A row kept before ingest replaced them: JSON.stringify wrote the surrogate as \ud800.
    const failed = await storeFailedEvent();
    await t.deps.database.client.execute({
      sql: `UPDATE failed_events SET payload = ? WHERE id = ?`,
      args: [
        JSON.stringify({
          type: 'track',
          event: 'E',
          anonymousId: 'a-\ud800',
          context: { consent: { id: 'r-\udc00', categoryPreferences: { analytics: true } } },
        }),
        Number(failed?.id),
      ],
    });
    const res = await t.admin(`/api/v1/failed-events/${failed?.id}/replay`, { method: 'POST' });
    expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
    // hex(): reading the bytes SQLite made of a lone surrogate as text aborts the process.
    const [row] = await t.rows(
      `SELECT hex(anonymous_id) AS id, hex(context->>'$.consent.id') AS record FROM events`,
    );
    const hex = (text: string) => Buffer.from(text).toString('hex').toUpperCase();
    expect(row).toMatchObject({ id: hex('a-\ufffd'), record: hex('r-\ufffd') });
  });

  it('stores a failed event replayed twice at once (no messageId of its own) only once', async () => {
    const failed = await storeFailedEvent();
    await fixPayload(failed);
    const replay = () => t.admin(`/api/v1/failed-events/${failed?.id}/replay`, { method: 'POST' });
    await Promise.all([replay(), replay()]);
    expect((await t.rows()).map((r) => r.event)).toEqual(['Fixed']);
  });
});
