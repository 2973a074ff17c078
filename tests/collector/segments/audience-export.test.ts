import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  audienceHashes,
  audienceHeader,
  audienceLine,
} from '../../../collector/segments/audience.js';
import { hashTraits } from '../../../sdk/hash.js';
import { HOUR, segmentCollector } from './scenario-helpers.js';

const sha = (v: string) => createHash('sha256').update(v).digest('hex');
const email = (v: string) => ({ kind: 'email', hash: sha(v) });
const phone = (v: string) => ({ kind: 'phone', hash: sha(v) });

describe('audience hashes per platform', () => {
  const traits = { email: ' Cy+News@Example.com', phone: '+49 (0)30 1234567', plan: 'pro' };

  it('Meta (the default): e-mail as is, phone as digits', () => {
    expect(audienceHashes(traits)).toEqual([email('cy+news@example.com'), phone('49301234567')]);
    expect(audienceHashes(traits, { platform: 'meta' })).toEqual(audienceHashes(traits));
  });

  it('TikTok: e-mail without its +tag, the same phone digits', () => {
    expect(audienceHashes(traits, { platform: 'tiktok' })).toEqual([
      email('cy@example.com'),
      phone('49301234567'),
    ]);
  });

  it('gives national numbers the country code asked for', () => {
    expect(audienceHashes({ phone: '030 1234567' }, { countryCode: '49' })).toEqual([
      phone('49301234567'),
    ]);
  });

  it('passes hashes through unchanged and skips what is no e-mail or phone', () => {
    const hashed = { email_sha256: sha('x@y.z'), phone_sha256: sha('4930'), email: 'n/a' };
    for (const platform of ['meta', 'tiktok'] as const)
      expect(audienceHashes({ ...hashed, phone: '12' }, { platform })).toEqual([
        email('x@y.z'),
        phone('4930'),
      ]);
  });

  it('heads the file with the columns each upload maps and puts a hash in its column', () => {
    expect(audienceHeader('meta')).toBe('email,phone');
    expect(audienceHeader()).toBe('email,phone');
    expect(audienceHeader('tiktok')).toBe('Email_SHA256,Phone_SHA256');
    expect(audienceLine({ kind: 'email', hash: 'e' })).toBe('e,');
    expect(audienceLine({ kind: 'phone', hash: 'p' })).toBe(',p');
  });
});

describe('GET /api/v1/segments/:key/export?format=audience', () => {
  type S = Awaited<ReturnType<typeof segmentCollector>>;
  let s: S;
  afterEach(() => s?.t.close());

  const exportLines = async (query: string) => {
    const res = await s.t.admin(`/api/v1/segments/buyers/export?format=audience${query}`);
    expect(res.status).toBe(200);
    const [header, ...lines] = (await res.text()).trim().split('\n');
    return { res, header, lines: lines.sort() };
  };

  async function twoBuyers() {
    s = await segmentCollector();
    const at = s.now() - 2 * HOUR;
    // Ada identifies in the browser (the SDK hashes) and again from a server with raw values.
    const browser = await hashTraits({ email: 'Ada@Example.com ', phone: '030 1234567' }, '49');
    await s.send(
      s.event({ type: 'identify', at, anonymousId: 'a1', userId: 'ada', traits: browser }),
      s.event({
        type: 'identify',
        at: at + 1000,
        userId: 'ada',
        traits: { email: 'ada@example.com', phone: '+49 30 123 45 67' },
      }),
      s.event({
        type: 'identify',
        at,
        anonymousId: 'c1',
        userId: 'cy',
        traits: { email: 'Cy+News@Example.com' },
      }),
      s.event({ event: 'Purchase', at: s.now() - HOUR, anonymousId: 'a1', userId: 'ada' }),
      s.event({ event: 'Purchase', at: s.now() - HOUR, anonymousId: 'c1', userId: 'cy' }),
    );
    await s.createSegment({
      key: 'buyers',
      name: 'Buyers',
      rule: { type: 'performed', event: 'Purchase', within: '30d' },
    });
  }

  it('puts the browser hash and the server-side hash of the same person on one line', async () => {
    await twoBuyers();
    const ada = [`${sha('ada@example.com')},`, `,${sha('49301234567')}`];
    const meta = await exportLines('');
    expect(meta.res.headers.get('content-type')).toContain('text/csv');
    expect(meta.res.headers.get('content-disposition')).toContain('buyers.csv');
    expect(meta.header).toBe('email,phone');
    expect(meta.lines).toEqual([...ada, `${sha('cy+news@example.com')},`].sort());
    expect(await exportLines('&platform=meta')).toMatchObject({
      header: meta.header,
      lines: meta.lines,
    });
    // TikTok: raw values are normalised its way (no +tag), SDK hashes are kept as they are.
    const tiktok = await exportLines('&platform=tiktok');
    expect(tiktok.res.headers.get('content-disposition')).toContain('buyers-tiktok.csv');
    expect(tiktok.header).toBe('Email_SHA256,Phone_SHA256');
    expect(tiktok.lines).toEqual([...ada, `${sha('cy@example.com')},`].sort());
  });

  /** An identify with the buyer's e-mail, then a purchase, both under `consent` (context). */
  const buyer = (id: string, at: number, consent: Record<string, unknown>) => {
    const context = { consent };
    return [
      s.event({
        type: 'identify',
        at,
        anonymousId: `anon-${id}`,
        userId: id,
        traits: { email: `${id}@example.com` },
        context,
      }),
      s.event({ event: 'Purchase', at: at + 1000, userId: id, context }),
    ];
  };

  it('holds only members whose latest known consent grants marketing', async () => {
    s = await segmentCollector();
    const at = s.now() - 2 * HOUR;
    const under = (marketing: boolean) => ({
      categoryPreferences: { analytics: true, marketing },
    });
    await s.send(
      ...buyer('den', at, under(false)),
      ...buyer('mar', at, under(true)),
      ...buyer('rev', at, under(true)),
    );
    // A later decision withdraws marketing for rev's browser: the record is the latest known.
    const withdrawal = {
      id: 'rec-rev',
      anonymousId: 'anon-rev',
      categories: { analytics: true, marketing: false },
      source: 'settings',
      givenAt: at + 2000,
    };
    expect((await s.t.post('/v1/consent', withdrawal, s.t.basic())).status).toBe(201);
    await s.createSegment({
      key: 'buyers',
      name: 'Buyers',
      rule: { type: 'performed', event: 'Purchase', within: '30d' },
    });
    expect(await s.members('buyers')).toEqual(['u:den', 'u:mar', 'u:rev']);
    expect((await exportLines('')).lines).toEqual([`${sha('mar@example.com')},`]);
  });

  it("finds a browser's decisions by the record id its events carried, and takes an expired one as no consent", async () => {
    s = await segmentCollector();
    const at = s.now() - 2 * HOUR;
    // As the SDK sends: each event names its browser's consent record.
    const under = (id: string) => ({
      id: `rec-${id}`,
      categoryPreferences: { analytics: true, marketing: true },
    });
    await s.send(...['kept', 'rejected', 'lapsed'].flatMap((id) => buyer(id, at, under(id))));
    const decide = (id: string, extra: Record<string, unknown>) =>
      s.t.post(
        '/v1/consent',
        { id: `rec-${id}`, source: 'banner', givenAt: at, ...extra },
        s.t.basic(),
      );
    const granted = { categories: { analytics: true, marketing: true } };
    for (const id of ['kept', 'rejected'])
      await decide(id, { ...granted, anonymousId: `anon-${id}` });
    // "Reject all" comes without the anonymous id, which the SDK no longer keeps.
    await decide('rejected', {
      categories: { analytics: false, marketing: false },
      givenAt: at + 2000,
    });
    // A decision that expired before the export, though the events after it said "granted".
    await decide('lapsed', { ...granted, anonymousId: 'anon-lapsed', expiresAt: at + 500 });
    await s.createSegment({
      key: 'buyers',
      name: 'Buyers',
      rule: { type: 'performed', event: 'Purchase', within: '30d' },
    });
    expect(await s.members('buyers')).toEqual(['u:kept', 'u:lapsed', 'u:rejected']);
    expect((await exportLines('')).lines).toEqual([`${sha('kept@example.com')},`]);
  });

  it("does not take the next visitor's decision on a shared browser (same record id, another anonymous id)", async () => {
    s = await segmentCollector();
    const at = s.now() - 2 * HOUR;
    const shared = { id: 'rec-shared', categoryPreferences: { analytics: true, marketing: true } };
    await s.send(...buyer('ada', at, shared));
    const decide = (extra: Record<string, unknown>) =>
      s.t.post('/v1/consent', { id: 'rec-shared', source: 'banner', ...extra }, s.t.basic());
    // Ada rejects all (sent without her anonymous id), logs out; the next visitor grants.
    await decide({ categories: { analytics: false, marketing: false }, givenAt: at + 2000 });
    await decide({
      anonymousId: 'anon-next',
      categories: { analytics: true, marketing: true },
      givenAt: at + 3000,
    });
    await s.createSegment({
      key: 'buyers',
      name: 'Buyers',
      rule: { type: 'performed', event: 'Purchase', within: '30d' },
    });
    expect(await s.members('buyers')).toEqual(['u:ada']);
    expect((await exportLines('')).lines).toEqual([]);
  });

  it('takes the traits an anonymous identify sent before the visitor had a user id', async () => {
    s = await segmentCollector();
    const at = s.now() - 2 * HOUR;
    await s.send(
      s.event({
        type: 'identify',
        at,
        anonymousId: 'anon-x',
        traits: { email: 'ada@example.com' },
      }),
      s.event({ type: 'identify', at: at + 1000, anonymousId: 'anon-x', userId: 'ada' }),
      s.event({ event: 'Purchase', at: at + 2000, anonymousId: 'anon-x', userId: 'ada' }),
    );
    await s.createSegment({
      key: 'buyers',
      name: 'Buyers',
      rule: { type: 'performed', event: 'Purchase', within: '30d' },
    });
    expect(await s.members('buyers')).toEqual(['u:ada']);
    expect((await exportLines('')).lines).toEqual([`${sha('ada@example.com')},`]);
  });

  it('answers 400 for an unknown platform or a malformed country code', async () => {
    s = await segmentCollector();
    for (const [q, field] of [
      ['platform=google', 'platform'],
      ['countryCode=abc', 'countryCode'],
    ]) {
      const res = await s.t.admin(`/api/v1/segments/cart-abandoners/export?format=audience&${q}`);
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe('invalid_request');
      expect(error.details).toEqual([expect.objectContaining({ path: [field] })]);
    }
  });
});
