import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESERVED_SEGMENT_KEYS } from '../../collector/segments/http/segment-routes.js';
import { SEGMENT_KEY } from '../../collector/segments/rule-schema.js';
import { formPost, signIn } from './dashboard-session.js';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

let t: TestCollector;
let session = '';
let csrf = '';
beforeAll(async () => {
  t = await testCollector();
  ({ session, csrf } = await signIn(t));
});
afterAll(() => t?.close());

const sha = (v: string) => createHash('sha256').update(v).digest('hex');
const q = () => `?source=${t.source.id}`;
const post = (path: string, fields: Record<string, string>) =>
  t.app.request(path, formPost({ _csrf: csrf, ...fields }, { Cookie: session }));

/** The form's fields for "performed AddToCart at least once, ever". */
const addedToCart = {
  'c0.type': 'performed',
  'c0.event': 'AddToCart',
  'c0.count': 'atLeast',
  'c0.n': '1',
  'c0.window': 'ever',
};

describe('dashboard segment forms', () => {
  it('previews, saves a segment through the API and refuses a bad one with its reason', async () => {
    await t.post(
      '/v1/batch',
      { batch: [trackEvent({ anonymousId: 'v1' }), trackEvent({ anonymousId: 'v2' })] },
      t.basic(),
    );
    const fields = {
      name: 'Carters',
      key: 'carters',
      ...addedToCart,
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'carters',
    };
    const preview = await post(`/app/segments/preview${q()}`, fields);
    expect(await preview.json()).toMatchObject({ count: 2, total: 2 });

    const saved = await post(`/app/segments/_new${q()}`, { ...fields, action: 'save' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('Location')).toBe(`/app/segments/carters${q()}&saved=1`);
    const api = await t.admin(`/api/v1/segments/carters?sourceId=${t.source.id}`);
    expect(await api.json()).toMatchObject({
      name: 'Carters',
      rule: { type: 'performed', event: 'AddToCart', atLeast: 1 },
      utm: { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'carters' },
    });

    const bad = await post(`/app/segments/_new${q()}`, {
      ...fields,
      key: 'carters',
      action: 'save',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('already exists');
  });

  it('removes a UTM template, re-entry wait or description emptied in the editor', async () => {
    const fields = {
      name: 'Clearable',
      key: 'clearable',
      description: 'To be emptied',
      reentryAfter: '7d',
      ...addedToCart,
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'clear',
    };
    expect((await post(`/app/segments/_new${q()}`, { ...fields, action: 'save' })).status).toBe(
      303,
    );
    const stored = async () =>
      (await t.admin(`/api/v1/segments/clearable?sourceId=${t.source.id}`)).json();
    expect(await stored()).toMatchObject({ description: 'To be emptied', reentryAfter: '7d' });
    const emptied = {
      ...fields,
      description: '',
      reentryAfter: '',
      utm_source: '',
      utm_medium: '',
      utm_campaign: '',
    };
    expect(
      (await post(`/app/segments/clearable/edit${q()}`, { ...emptied, action: 'save' })).status,
    ).toBe(303);
    expect(await stored()).toMatchObject({ description: null, reentryAfter: null, utm: null });
  });

  it('answers a malformed JSON rule with a 400 and the reason, on the form and the live preview', async () => {
    const fields = { name: 'Broken', key: 'broken', mode: 'json', json: '{"type": ' };
    const saved = await post(`/app/segments/_new${q()}`, { ...fields, action: 'save' });
    expect(saved.status).toBe(400);
    expect(await saved.text()).toContain('The rule is not valid JSON');
    const preview = await post(`/app/segments/preview${q()}`, fields);
    expect(preview.status).toBe(400);
    expect(await preview.json()).toEqual({ errors: ['The rule is not valid JSON'] });
  });

  it('names the condition and the field a refused rule fails on, as the form numbers them', async () => {
    const fields = {
      name: 'Two',
      key: 'two',
      ...addedToCart,
      'c1.type': 'notPerformed',
      'c1.negate': 'on',
      'c1.event': 'Purchase',
      'c1.within': 'soon',
    };
    const expected = 'Condition 2, within: must be a duration like';
    const saved = await post(`/app/segments/_new${q()}`, { ...fields, action: 'save' });
    expect(saved.status).toBe(400);
    expect(await saved.text()).toContain(expected);
    const preview = await post(`/app/segments/preview${q()}`, fields);
    expect((await preview.json()).errors[0]).toContain(expected);
    const single = await post(`/app/segments/preview${q()}`, {
      ...addedToCart,
      'c0.window': 'within',
      'c0.within': 'soon',
    });
    expect((await single.json()).errors[0]).toContain(
      'Condition 1, within: must be a duration like',
    );
  });

  it('answers a JSON rule the form cannot take with a 400 and the reason', async () => {
    for (const json of ['null', '{"type":"not"}', '{"type":"funnel"}', '{"type":"all"}']) {
      const res = await post(`/app/segments/_new${q()}`, {
        name: 'Odd',
        key: 'odd',
        mode: 'json',
        json,
        action: 'form',
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('The rule is not valid');
    }
  });

  it('shows the built-in segment "new" on its page, and the editor beside it', async () => {
    const get = (path: string) => t.app.request(path, { headers: { Cookie: session } });
    const builtIn = await get(`/app/segments/new${q()}`);
    expect(builtIn.status).toBe(200);
    expect(await builtIn.text()).toContain('First seen less than 7 days ago.');
    const list = await (await get(`/app/segments${q()}`)).text();
    expect(list).toContain(`href="/app/segments/_new${q()}"`);
    expect(await (await get(`/app/segments/_new${q()}`)).text()).toContain('New segment');
  });

  it('has no literal path under the segment routes that a new key could take', () => {
    for (const prefix of ['/app/segments/', '/api/v1/segments/']) {
      const literals = t.app.routes
        .filter((r) => r.path.startsWith(prefix))
        .map((r) => r.path.slice(prefix.length).split('/')[0] ?? '')
        .filter((name) => !name.startsWith(':') && name !== '*');
      expect(literals.length).toBeGreaterThan(0);
      for (const name of literals) {
        expect(!SEGMENT_KEY.test(name) || RESERVED_SEGMENT_KEYS.includes(name), name).toBe(true);
      }
    }
  });

  it('shows a segment page whatever page number it is asked for', async () => {
    const res = await t.app.request(`/app/segments/carters${q()}&page=99999999999999999999`, {
      headers: { Cookie: session },
    });
    expect(res.status).toBe(200);
  });

  it('needs the CSRF token to change anything', async () => {
    const res = await t.app.request(
      `/app/segments/carters/webhook${q()}`,
      formPost({ url: 'https://hooks.example/x' }, { Cookie: session }),
    );
    expect(res.status).toBe(403);
  });

  it('shows a refused webhook URL on the form and keeps the saved one', async () => {
    const res = await post(`/app/segments/carters/webhook${q()}`, {
      url: 'https://169.254.169.254/latest/meta-data/',
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('role="alert">webhookUrl not allowed: 169.254.169.254 is a link-local');
    expect(page).toContain('value="https://169.254.169.254/latest/meta-data/"');
    const api = await (await t.admin(`/api/v1/segments/carters?sourceId=${t.source.id}`)).json();
    expect(api.webhook).toBeNull();
  });

  it('sets the webhook and exports members as CSV', async () => {
    const res = await post(`/app/segments/carters/webhook${q()}`, {
      url: 'https://hooks.example/x',
    });
    expect(res.status).toBe(303);
    const api = await (await t.admin(`/api/v1/segments/carters?sourceId=${t.source.id}`)).json();
    expect(api.webhook).toMatchObject({
      url: 'https://hooks.example/x',
      secret: expect.stringMatching(/^whsec_/),
    });

    await t.deps.segmentEngine.idle(); // the save queued a recompute
    const r = await t.app.request(`/app/segments/carters/export${q()}&format=csv`, {
      headers: { Cookie: session },
    });
    expect(r.headers.get('Content-Type')).toContain('text/csv');
    const csv = await r.text();
    expect(
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(['a:v1', 'a:v2']);
  });

  it('links to the TikTok audience export and passes platform and countryCode through', async () => {
    const page = await t.app.request(`/app/segments/carters${q()}`, {
      headers: { Cookie: session },
    });
    expect(await page.text()).toContain('format=audience&amp;platform=tiktok');

    // A national number: only the country code passed through makes it 49…
    await t.post(
      '/v1/identify',
      { ...trackEvent({ type: 'identify', anonymousId: 'v1' }), traits: { phone: '030 1234567' } },
      t.basic(),
    );
    await t.deps.segmentEngine.idle();
    const audience = async (query: string) => {
      const r = await t.app.request(`/app/segments/carters/export${q()}&format=audience${query}`, {
        headers: { Cookie: session },
      });
      expect(r.status).toBe(200);
      return { r, lines: (await r.text()).trim().split('\n') };
    };
    const tiktok = await audience('&platform=tiktok&countryCode=49');
    expect(tiktok.r.headers.get('Content-Disposition')).toContain('carters-tiktok.csv');
    expect(tiktok.lines).toEqual(['Email_SHA256,Phone_SHA256', `,${sha('49301234567')}`]);
    expect((await audience('')).lines).toEqual(['email,phone', `,${sha('301234567')}`]);
    expect((await audience('&countryCode=1')).lines).toEqual([
      'email,phone',
      `,${sha('1301234567')}`,
    ]);
  });
});
