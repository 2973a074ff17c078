import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../../../collector/segments/webhooks.js';
import { DAY, HOUR, segmentCollector } from './scenario-helpers.js';

type S = Awaited<ReturnType<typeof segmentCollector>>;
let s: S;
afterEach(() => s?.t.close());

const body = (value: unknown) => ({ body: JSON.stringify(value) });
const post = (path: string, value: unknown) => s.t.admin(path, { method: 'POST', ...body(value) });
const bigSpender = {
  key: 'big-spenders',
  name: 'Big spenders',
  rule: {
    type: 'performed',
    event: 'Purchase',
    where: [{ property: 'value', op: 'gte', value: 100 }],
    within: '30d',
  },
  utm: { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'vip' },
};
const purchase = (anonymousId: string, value: number, extra: Record<string, unknown> = {}) =>
  s.event({
    event: 'Purchase',
    at: s.now() - HOUR,
    anonymousId,
    properties: { value, cart_id: anonymousId },
    ...extra,
  });

describe('segments API', () => {
  it('removes a UTM template, re-entry wait or description patched to null, and keeps what a patch leaves out', async () => {
    s = await segmentCollector();
    const created = { ...bigSpender, description: 'Spent 100+', reentryAfter: '7d' };
    expect((await post('/api/v1/segments', created)).status).toBe(201);
    const patch = (value: unknown) =>
      s.t.admin('/api/v1/segments/big-spenders', { method: 'PATCH', ...body(value) });
    expect(await (await patch({ name: 'Big' })).json()).toMatchObject({
      name: 'Big',
      description: 'Spent 100+',
      reentryAfter: '7d',
      utm: bigSpender.utm,
    });
    expect(
      await (await patch({ utm: null, reentryAfter: null, description: null })).json(),
    ).toMatchObject({
      name: 'Big',
      description: null,
      reentryAfter: null,
      utm: null,
    });
  });

  it('lists built-ins for the source, creates a segment and computes its members', async () => {
    s = await segmentCollector();
    const list = await (await s.t.admin('/api/v1/segments')).json();
    expect(list.segments.map((x: { key: string }) => x.key)).toContain('cart-abandoners');

    await s.send(purchase('rich', 150), purchase('poor', 20));
    const created = await post('/api/v1/segments', bigSpender);
    expect(created.status).toBe(201);
    await s.t.deps.segmentEngine.idle();

    const detail = await (await s.t.admin('/api/v1/segments/big-spenders')).json();
    expect(detail).toMatchObject({
      key: 'big-spenders',
      size: 1,
      lastError: null,
      recompute: { done: 1 + 1, total: 2 },
    });
    expect(detail.lastComputedAt).toBe(new Date(s.now()).toISOString());
    expect(detail.trend).toHaveLength(30);
    expect(detail.trend.at(-1)).toMatchObject({ entered: 1, exited: 0 });

    const members = await (
      await s.t.admin('/api/v1/segments/big-spenders/members?limit=10')
    ).json();
    expect(members).toEqual({
      members: [
        { profileId: 'a:rich', anonymousId: 'rich', enteredAt: new Date(s.now()).toISOString() },
      ],
      nextCursor: null,
    });

    // Editing the rule recomputes everyone.
    const patched = await s.t.admin('/api/v1/segments/big-spenders', {
      method: 'PATCH',
      ...body({
        rule: { ...bigSpender.rule, where: [{ property: 'value', op: 'gte', value: 10 }] },
      }),
    });
    expect(patched.status).toBe(200);
    await s.t.deps.segmentEngine.idle();
    expect(await s.members('big-spenders')).toEqual(['a:poor', 'a:rich']);

    const overlap = await (await s.t.admin('/api/v1/segments/overlap?a=big-spenders&b=new')).json();
    expect(overlap).toEqual({
      a: { key: 'big-spenders', size: 2 },
      b: { key: 'new', size: 2 },
      both: 2,
    });

    const del = await s.t.admin('/api/v1/segments/big-spenders', { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await s.t.admin('/api/v1/segments/big-spenders')).status).toBe(404);
  });

  it('matches a rule naming a lone surrogate with events stored with it, both as U+FFFD', async () => {
    s = await segmentCollector();
    // A sender cut an emoji between its halves; the marketer names the event as it was sent.
    const name = 'Won \ud83c';
    await s.send(s.event({ event: name, at: s.now() - HOUR, anonymousId: 'winner' }));
    await s.createSegment({
      key: 'winners',
      name: 'Winners',
      rule: { type: 'performed', event: name },
    });
    expect(await s.members('winners')).toEqual(['a:winner']);
    const saved = await (await s.t.admin('/api/v1/segments/winners')).json();
    expect(saved.rule.event).toBe('Won \ufffd');
  });

  it('refuses a rule naming an event with control characters, which ingest never stores', async () => {
    s = await segmentCollector();
    expect((await post('/api/v1/segments', bigSpender)).status).toBe(201);
    // The engine puts the names into its SQL: a NUL failed every recompute of the source.
    const odd = await post('/api/v1/segments', {
      ...bigSpender,
      key: 'odd',
      rule: { ...bigSpender.rule, event: ['Purchase', 'Odd\0name'] },
    });
    expect(odd.status).toBe(400);
    expect((await odd.json()).error.message).toContain('must not contain control characters');
    await s.send(purchase('rich', 150));
    expect(await s.members('big-spenders')).toEqual(['a:rich']);
  });

  it('overlaps only segments of one source, where a profile id names one person', async () => {
    s = await segmentCollector();
    const other = await s.t.deps.sources.create({ name: 'Other shop', allowedOrigins: [] });
    const visitor = (sourceId: string, key: string) =>
      post('/api/v1/segments', {
        sourceId,
        key,
        name: key,
        rule: { type: 'lastSeen', within: '30d' },
      });
    expect((await visitor(s.t.source.id, 'shop-visitors')).status).toBe(201);
    expect((await visitor(other.id, 'other-visitors')).status).toBe(201);
    const visit = s.event({ type: 'page', at: s.now() - HOUR, anonymousId: 'same-id' });
    await s.send(visit);
    await s.t.post('/v1/batch', { batch: [visit] }, s.t.basic(other.writeKey));
    await s.t.deps.segmentEngine.idle();
    expect(await s.members('other-visitors', other.id)).toEqual(['a:same-id']);

    const res = await s.t.admin('/api/v1/segments/overlap?a=shop-visitors&b=other-visitors');
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('segment_not_found');
  });

  it('refuses invalid rules, duplicates, unknown references and cycles with stable codes', async () => {
    s = await segmentCollector();
    const bad = await post('/api/v1/segments', {
      ...bigSpender,
      rule: { type: 'performed', event: 'X', within: 'soon' },
    });
    expect(bad.status).toBe(400);
    const err = (await bad.json()).error;
    expect(err.code).toBe('invalid_request');
    expect(err.details[0].path).toEqual(['rule', 'within']);

    expect((await post('/api/v1/segments', bigSpender)).status).toBe(201);
    expect((await (await post('/api/v1/segments', bigSpender)).json()).error.code).toBe(
      'segment_exists',
    );
    const unknown = await post('/api/v1/segments', {
      key: 'x',
      name: 'x',
      rule: { type: 'inSegment', segment: 'nope' },
    });
    expect((await unknown.json()).error.code).toBe('unknown_segment');
    await post('/api/v1/segments', {
      key: 'a',
      name: 'a',
      rule: { type: 'inSegment', segment: 'big-spenders' },
    });
    const cycle = await s.t.admin('/api/v1/segments/big-spenders', {
      method: 'PATCH',
      ...body({ rule: { type: 'inSegment', segment: 'a' } }),
    });
    expect((await cycle.json()).error.code).toBe('segment_cycle');
    const inUse = await s.t.admin('/api/v1/segments/big-spenders', { method: 'DELETE' });
    expect((await inUse.json()).error.code).toBe('segment_in_use');
  });

  it('refuses keys that are paths of the segments API, with a stable code', async () => {
    s = await segmentCollector();
    for (const key of ['overlap', 'preview']) {
      const res = await post('/api/v1/segments', { ...bigSpender, key });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('segment_key_reserved');
    }
    expect((await post('/api/v1/segments', { ...bigSpender, key: 'overlaps' })).status).toBe(201);
    const list = await (await s.t.admin('/api/v1/segments')).json();
    for (const { key } of list.segments as { key: string }[]) {
      expect((await s.t.admin(`/api/v1/segments/${key}`)).status).toBe(200);
    }
  });

  it('previews an unsaved rule', async () => {
    s = await segmentCollector();
    await s.send(purchase('rich', 150), purchase('poor', 20), purchase('mid', 100));
    const res = await post('/api/v1/segments/preview', { rule: bigSpender.rule, sampleSize: 1 });
    expect(await res.json()).toEqual({
      count: 2,
      total: 3,
      sample: [expect.stringMatching(/^a:(rich|mid)$/)],
    });
  });

  it('exports members as CSV, NDJSON and a hashed audience', async () => {
    s = await segmentCollector();
    await s.send(
      s.event({
        type: 'identify',
        at: s.now() - 2 * HOUR,
        anonymousId: 'a1',
        userId: 'ada',
        traits: { email: ' Ada@Example.com ', phone: '+49 (30) 1234567' },
      }),
      purchase('a1', 150, { userId: 'ada' }),
      purchase('a2', 300),
    );
    await post('/api/v1/segments', bigSpender);
    await s.t.deps.segmentEngine.idle();
    const csv = await (await s.t.admin('/api/v1/segments/big-spenders/export?format=csv')).text();
    expect(csv.trim().split('\n')).toEqual([
      'profile_id,user_id,anonymous_id,entered_at',
      expect.stringMatching(/^(u:ada,ada,,|a:a2,,a2,)/),
      expect.stringMatching(/^(u:ada,ada,,|a:a2,,a2,)/),
    ]);
    const nd = await (await s.t.admin('/api/v1/segments/big-spenders/export?format=ndjson')).text();
    expect(
      nd
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).profileId)
        .sort(),
    ).toEqual(['a:a2', 'u:ada']);
    const audience = await s.t.admin('/api/v1/segments/big-spenders/export?format=audience');
    expect(audience.headers.get('content-disposition')).toContain('big-spenders.csv');
    const sha = (v: string) => createHash('sha256').update(v).digest('hex');
    const [header, ...lines] = (await audience.text()).trim().split('\n');
    expect(header).toBe('email,phone');
    expect(lines.sort()).toEqual([`${sha('ada@example.com')},`, `,${sha('49301234567')}`].sort());
  });

  it('shows a profile with stitched identities, segments and history', async () => {
    s = await segmentCollector();
    await s.send(
      s.event({ type: 'page', at: s.now() - 3 * DAY, anonymousId: 'x1' }),
      s.event({
        type: 'identify',
        at: s.now() - HOUR,
        anonymousId: 'x1',
        userId: 'zoe',
        traits: { plan: 'pro' },
      }),
    );
    const res = await s.t.admin('/api/v1/profiles/zoe');
    const p = await res.json();
    expect(p).toMatchObject({
      profileId: 'u:zoe',
      userId: 'zoe',
      anonymousIds: ['x1'],
      traits: { plan: 'pro' },
    });
    expect(p.segments).toContain('new');
    expect(p.history.some((h: { segment: string }) => h.segment === 'occasional')).toBe(true);
    expect(p.recentEvents[0].event).toBe('$identify');
    const recent = async (n: number) =>
      (await (await s.t.admin(`/api/v1/profiles/zoe?events=${n}`)).json()).recentEvents;
    expect(await recent(1)).toHaveLength(1);
    expect(await recent(0)).toEqual([]);
    expect((await s.t.admin('/api/v1/profiles/x1')).status).toBe(200);
    expect((await s.t.admin('/api/v1/profiles/nobody')).status).toBe(404);
  });

  it('tags links with the segment UTM template', async () => {
    s = await segmentCollector();
    await post('/api/v1/segments', bigSpender);
    const res = await post('/api/v1/links', {
      segment: 'big-spenders',
      url: 'https://shop.example/sale?utm_source=old&x=1',
    });
    expect((await res.json()).url).toBe(
      'https://shop.example/sale?x=1&utm_source=newsletter&utm_medium=email&utm_campaign=vip',
    );
    // Other parameters stay as written, a malformed escape included.
    const odd = await post('/api/v1/links', {
      segment: 'big-spenders',
      url: 'https://shop.example/?sig=a%2Bb&%E0=1',
    });
    expect((await odd.json()).url).toBe(
      'https://shop.example/?sig=a%2Bb&%E0=1&utm_source=newsletter&utm_medium=email&utm_campaign=vip',
    );
    const none = await post('/api/v1/links', {
      segment: 'device-desktop',
      url: 'https://shop.example/',
    });
    expect((await none.json()).error.code).toBe('no_utm_template');
  });

  it('serves an OpenAPI description generated from the schemas', async () => {
    s = await segmentCollector();
    const doc = await (await s.t.app.request('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/segments',
        '/api/v1/segments/{key}/members',
        '/v1/me/segments',
      ]),
    );
    expect(JSON.stringify(doc.components.schemas.SegmentCreate)).toContain(
      '#/components/schemas/Rule',
    );
    expect(doc.components.schemas.Rule.oneOf.length).toBeGreaterThan(10);
  });
});

describe('GET /v1/me/segments', () => {
  const me = (anonymousId: string, origin = 'https://shop.example') =>
    s.t.app.request(`/v1/me/segments?writeKey=${s.t.source.writeKey}&anonymousId=${anonymousId}`, {
      headers: { Origin: origin },
    });

  it('reads consent only from an object of category preferences, whatever else a sender put there', async () => {
    s = await segmentCollector();
    const prefs = (categoryPreferences: unknown) => ({
      consent: { category: 'necessary', categoryPreferences },
    });
    await s.send(
      s.event({ type: 'page', at: s.now() - HOUR, anonymousId: 'odd', context: prefs('C0001') }),
      s.event({ type: 'page', at: s.now() - HOUR, anonymousId: 'list', context: prefs([1, 2]) }),
    );
    for (const visitor of ['odd', 'list']) {
      const res = await me(visitor);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ segments: [] });
    }
  });

  it("goes by the browser's latest decision, also a refusal sent without the anonymous id", async () => {
    s = await segmentCollector();
    const granted = { analytics: true, personalization: true };
    await s.send(
      s.event({
        type: 'page',
        at: s.now() - HOUR,
        anonymousId: 'ref',
        context: { consent: { id: 'rec-ref', categoryPreferences: granted } },
      }),
    );
    const decide = (extra: Record<string, unknown>) =>
      s.t.post('/v1/consent', { id: 'rec-ref', source: 'banner', ...extra }, s.t.basic());
    await decide({ anonymousId: 'ref', categories: granted, givenAt: s.now() - 2 * HOUR });
    expect((await (await me('ref')).json()).segments.length).toBeGreaterThan(0);
    await decide({ categories: { analytics: false }, givenAt: s.now() - 60_000 });
    expect(await (await me('ref')).json()).toEqual({ segments: [] });
  });

  it('answers the visitor own segments only with personalization or marketing consent', async () => {
    s = await segmentCollector();
    const consent = (personalization: boolean) => ({
      consent: { categoryPreferences: { analytics: true, personalization } },
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0',
    });
    await s.send(
      s.event({ type: 'page', at: s.now() - HOUR, anonymousId: 'yes', context: consent(true) }),
      s.event({ type: 'page', at: s.now() - HOUR, anonymousId: 'no', context: consent(false) }),
    );
    const res = await me('yes');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const { segments } = await res.json();
    expect(segments).toContainEqual({
      key: 'new',
      utm: { utm_source: 'segmently', utm_medium: 'segment', utm_campaign: 'new' },
    });
    expect(segments.map((x: { key: string }) => x.key)).not.toContain('dormant');
    // A member of device-desktop, but that segment has no UTM template: not revealed.
    expect(await s.members('device-desktop')).toContain('a:yes');
    expect(segments.map((x: { key: string }) => x.key)).not.toContain('device-desktop');
    expect(res.headers.get('cache-control')).toBe('private, max-age=60');
    expect(await (await me('no')).json()).toEqual({ segments: [] });
    expect(
      (await me('yes', 'https://evil.example')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    const noKey = await s.t.app.request('/v1/me/segments?anonymousId=yes');
    expect(noKey.status).toBe(401);

    // The latest consent record wins over what older events carried: a withdrawal hides all.
    await s.t.deps.database.client.execute({
      sql: `INSERT INTO consent_records (id, source_id, anonymous_id, categories, decision_source, given_at, received_at)
        VALUES ('c1', ?, 'yes', '{"personalization":false,"marketing":false}', 'withdrawal', ?, ?)`,
      args: [s.t.source.id, s.now(), s.now()],
    });
    expect(await (await me('yes')).json()).toEqual({ segments: [] });
  });

  it('allows the same origins as ingest: a source without allowed origins only its own pages', async () => {
    s = await segmentCollector();
    const closed = await s.t.deps.sources.create({ name: 'No browser origins' });
    const ask = (origin: string) =>
      s.t.app.request(
        `http://collector.example/v1/me/segments?writeKey=${closed.writeKey}&anonymousId=yes`,
        {
          headers: { Origin: origin, Host: 'collector.example' },
        },
      );
    expect(
      (await ask('https://evil.example')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    expect((await ask('http://collector.example')).headers.get('access-control-allow-origin')).toBe(
      'http://collector.example',
    );
  });
});

describe('webhooks', () => {
  it('POSTs signed enter/exit events, retries with backoff and logs deliveries', async () => {
    // The receiver is on loopback over http: allowed only with the operator's opt-in.
    s = await segmentCollector(undefined, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    let failFirst = true;
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => {
        data += c;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body: data });
        res.statusCode = failFirst ? 500 : 204;
        failFirst = false;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const created = await (
        await post('/api/v1/segments', { ...bigSpender, webhookUrl: url })
      ).json();
      const secret = created.webhook.secret;
      expect(secret).toMatch(/^whsec_/);
      await s.t.deps.segmentEngine.idle();
      await s.send(purchase('rich', 500));

      expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(1);
      expect(received).toHaveLength(1);
      let log = (await (await s.t.admin('/api/v1/segments/big-spenders/webhooks')).json())
        .deliveries;
      expect(log[0]).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatus: 500,
        kind: 'enter',
      });

      expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(0); // not due yet
      s.advance(5_000);
      expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(1);
      const last = received[1];
      expect(JSON.parse(last?.body ?? '')).toMatchObject({
        type: 'segment.entered',
        segment: 'big-spenders',
        profileId: 'a:rich',
      });
      // A retry is the same delivery: receivers drop repeats by its id.
      const { deliveryId } = JSON.parse(received[0]?.body ?? '');
      expect(deliveryId).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(last?.body ?? '').deliveryId).toBe(deliveryId);
      const ts = String(last?.headers['x-segmently-timestamp']);
      expect(last?.headers['x-segmently-signature']).toBe(
        signWebhook(secret, ts, last?.body ?? ''),
      );
      log = (await (await s.t.admin('/api/v1/segments/big-spenders/webhooks')).json()).deliveries;
      expect(log[0]).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 204 });
    } finally {
      server.close();
    }
  });

  it('does not retry a delivery the receiver refused with a 4xx other than 408 and 429', async () => {
    s = await segmentCollector(undefined, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    const firstAnswer: Record<string, number> = { 'a:gone': 410, 'a:busy': 429, 'a:slow': 408 };
    const received: string[] = [];
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => {
        data += c;
      });
      req.on('end', () => {
        const { profileId } = JSON.parse(data);
        res.statusCode = received.includes(profileId) ? 204 : (firstAnswer[profileId] ?? 500);
        received.push(profileId);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      expect((await post('/api/v1/segments', { ...bigSpender, webhookUrl: url })).status).toBe(201);
      await s.t.deps.segmentEngine.idle();
      await s.send(purchase('gone', 500), purchase('busy', 500), purchase('slow', 500));
      expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(3);
      s.advance(DAY);
      expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(2);
      expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(0);
      expect(received.filter((p) => p === 'a:gone')).toHaveLength(1);
      const log = (await (await s.t.admin('/api/v1/segments/big-spenders/webhooks')).json())
        .deliveries;
      const byProfile = Object.fromEntries(log.map((d: { profileId: string }) => [d.profileId, d]));
      expect(byProfile).toMatchObject({
        'a:gone': { status: 'failed', attempts: 1, lastStatus: 410, nextAttemptAt: null },
        'a:busy': { status: 'delivered', attempts: 2, lastStatus: 204 },
        'a:slow': { status: 'delivered', attempts: 2, lastStatus: 204 },
      });
    } finally {
      server.close();
    }
  });

  it('refuses internal and http webhook URLs on save (400 webhook_url_not_allowed)', async () => {
    s = await segmentCollector();
    const refused = async (res: Response) => {
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { code: string; message: string } }).error;
    };
    for (const [url, reason] of [
      ['http://hooks.example/x', 'must use https'],
      ['https://127.0.0.1:9/x', 'loopback'],
      ['https://169.254.169.254/latest/meta-data/', 'link-local'],
      ['https://192.168.0.10/x', 'private'],
      ['https://[fd00::1]/x', 'unique-local'],
      ['https://localhost/x', 'localhost resolves to'],
    ] as const) {
      const error = await refused(
        await post('/api/v1/segments', { ...bigSpender, webhookUrl: url }),
      );
      expect(error).toMatchObject({ code: 'webhook_url_not_allowed' });
      expect(error.message).toContain(reason);
    }
    expect((await s.t.admin('/api/v1/segments/big-spenders')).status).toBe(404); // none stored

    const created = await post('/api/v1/segments', bigSpender);
    expect(created.status).toBe(201);
    const patch = (webhookUrl: string | null) =>
      s.t.admin('/api/v1/segments/big-spenders', { method: 'PATCH', ...body({ webhookUrl }) });
    expect((await refused(await patch('https://10.0.0.1/x'))).code).toBe('webhook_url_not_allowed');
    expect((await patch('https://hooks.example/x')).status).toBe(200);
    expect((await patch(null)).status).toBe(200);
  });

  it('refuses a NUL in names, descriptions and webhook URLs: libsql reads text back up to it', async () => {
    s = await segmentCollector();
    // The URL's host is hooks.example; stored, it read back as https://127.0.0.1.
    const url = 'https://127.0.0.1\0@hooks.example/x';
    for (const field of [{ webhookUrl: url }, { name: 'Big\0 spenders' }, { description: 'x\0' }]) {
      const res = await post('/api/v1/segments', { ...bigSpender, ...field });
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toContain('must not contain NUL');
    }
    expect((await s.t.admin('/api/v1/segments/big-spenders')).status).toBe(404); // none stored
    expect((await post('/api/v1/segments', bigSpender)).status).toBe(201);
    const patch = await s.t.admin('/api/v1/segments/big-spenders', {
      method: 'PATCH',
      ...body({ webhookUrl: url }),
    });
    expect(patch.status).toBe(400);
  });

  it('checks the resolved address again at delivery: refused and logged, never contacted', async () => {
    s = await segmentCollector();
    let connections = 0;
    const server = createServer((_req, res) => res.end());
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const saved = await post('/api/v1/segments', {
        ...bigSpender,
        webhookUrl: 'https://hooks.example/x', // passes the save-time check
      });
      expect(saved.status).toBe(201);
      // Saved before this check existed, or its DNS re-pointed since: only delivery can tell.
      await s.t.rows(
        `UPDATE segments SET webhook_url = 'https://localhost:${port}/hook' WHERE key = 'big-spenders'`,
      );
      await s.t.deps.segmentEngine.idle();
      await s.send(purchase('rich', 500));

      expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(1);
      expect(connections).toBe(0);
      const [entry] = (await (await s.t.admin('/api/v1/segments/big-spenders/webhooks')).json())
        .deliveries;
      expect(entry).toMatchObject({ status: 'refused', attempts: 1, lastStatus: null });
      expect(entry.lastError).toMatch(
        /^webhook_url_not_allowed: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/,
      );
      s.advance(DAY);
      expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(0); // not retried
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it('with WEBHOOK_ALLOW_PRIVATE=true delivers to a loopback http receiver; no redirects', async () => {
    s = await segmentCollector(undefined, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    const received: string[] = [];
    const server = createServer((req, res) => {
      received.push(String(req.url));
      if (received.length === 1) res.writeHead(302, { Location: '/elsewhere' });
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const url = `http://localhost:${port}/hook`;
      expect((await post('/api/v1/segments', { ...bigSpender, webhookUrl: url })).status).toBe(201);
      await s.t.deps.segmentEngine.idle();
      await s.send(purchase('rich', 500));
      expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(1);
      expect(received).toEqual(['/hook']); // the 302 is a failed attempt, not followed
      const log = async () =>
        (await (await s.t.admin('/api/v1/segments/big-spenders/webhooks')).json()).deliveries[0];
      expect(await log()).toMatchObject({ status: 'pending', lastStatus: 302 });
      s.advance(5_000);
      expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(1);
      expect(received).toEqual(['/hook', '/hook']);
      expect(await log()).toMatchObject({ status: 'delivered', lastStatus: 200 });
    } finally {
      server.close();
    }
  });
});
