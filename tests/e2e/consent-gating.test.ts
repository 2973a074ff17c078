import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserState, collectorPosts, openFixture } from './consent-fixture.js';
import { collectorAndBrowser, eventually, newContext } from './harness.js';

const shared = collectorAndBrowser();

const parse = (v: unknown) => JSON.parse(String(v));
const dialog = (page: Page) => page.waitForSelector('[role="dialog"]');
const ran = (page: Page) => page.evaluate(() => (window as unknown as { ran: string[] }).ran);
const calls = (page: Page) => page.evaluate(() => (window as unknown as { calls: string[] }).calls);
const sg = <T>(page: Page, fn: string) => page.evaluate(`window.segmently.${fn}`) as Promise<T>;
const eventsOf = (anonymousId: string) =>
  shared.server.sql('SELECT * FROM events WHERE anonymous_id = ? ORDER BY seq', [anonymousId]);
const arrived = (anonymousId: string) =>
  eventually(async () => {
    const rows = await eventsOf(anonymousId);
    return rows.length ? rows : undefined;
  });
/** The consent log rows for a consent or anonymous id, once `n` have arrived. */
const consentRecords = async (column: 'id' | 'anonymous_id', value: string, n: number) =>
  (await eventually(async () => {
    const rows = await shared.server.sql(
      `SELECT * FROM consent_records WHERE ${column} = ? ORDER BY seq`,
      [value],
    );
    return rows.length >= n ? rows : undefined;
  })) ?? [];
/** Long enough for the SDK's 500 ms flush interval to have sent anything it would send. */
const settle = (page: Page) => page.waitForTimeout(1200);

/**
 * A TCF CMP that answers `tcloaded` 100 ms after the SDK asks: granting purposes 1, 8 and 9
 * (analytics), or denying everything once the tab's `window.name` is `deny`.
 */
const tcfLoaded = (
  gdprApplies = true,
) => `<script>window.__tcfapi = (command, version, callback) => {
  if (command !== 'addEventListener') return;
  const consents = window.name === 'deny' ? {} : { 1: true, 8: true, 9: true };
  setTimeout(() => callback({ eventStatus: 'tcloaded', gdprApplies: ${gdprApplies}, tcString: 'CPtest',
    purpose: { consents } }, true), 100);
};</script>`;
const analyticsGranted = (page: Page) =>
  eventually(() => page.evaluate('window.segmently?.consent?.get().analytics === true'));

describe('consent gating in Chromium', () => {
  it('before a decision: nothing sent or stored, blocked scripts idle, Consent Mode default first', async () => {
    const context = await newContext(shared.browser);
    const { page, requests } = await openFixture(context, shared.server);
    await dialog(page);
    await sg(page, "track('AddToCart', { value: 1 })");
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await sg(page, 'flush()');
    await settle(page);

    expect(collectorPosts(requests)).toEqual([]);
    expect(requests.filter((r) => r.startsWith('GET /s'))).toEqual([
      'GET /s.js',
      expect.stringMatching(/^GET \/s\/banner-[\w-]+\.js$/),
    ]);
    expect(await browserState(page)).toEqual({ cookies: [], local: {}, databases: [], queued: 0 });
    expect(await ran(page)).toEqual([]);
    expect(await calls(page)).toEqual(['ttq.hold', 'fbq.consent.revoke']);
    const first = await page.evaluate(() =>
      Array.from((window as unknown as { dataLayer: IArguments[] }).dataLayer[0] ?? []),
    );
    expect(first).toEqual([
      'consent',
      'default',
      {
        ad_storage: 'denied',
        ad_user_data: 'denied',
        ad_personalization: 'denied',
        analytics_storage: 'denied',
        functionality_storage: 'denied',
        personalization_storage: 'denied',
        security_storage: 'granted',
        wait_for_update: 500,
      },
    ]);
    await context.close();
  });

  it("README's install tag, placed before gtag's snippet, puts the Consent Mode default first", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const install = readme
      .split('## Install on a site')[1]
      ?.match(/<script[^>]*\/s\.js"[^>]*><\/script>/)?.[0];
    const html = `<!doctype html><html><head>${install
      ?.replace('https://YOUR-COLLECTOR', shared.server.url)
      .replace('YOUR_WRITE_KEY', shared.server.demo.writeKey)}
<script>window.dataLayer = window.dataLayer || []; function gtag(){ dataLayer.push(arguments); }
  gtag('js', new Date()); gtag('config', 'G-TEST');</script></head><body></body></html>`;
    const context = await newContext(shared.browser);
    await context.route(`${shared.server.url}/readme-install`, (route) =>
      route.fulfill({ contentType: 'text/html', body: html }),
    );
    const page = await context.newPage();
    await page.goto(`${shared.server.url}/readme-install`);
    await page.waitForFunction(() => 'anonymousId' in (window.segmently ?? {}));
    const first = await page.evaluate(() =>
      Array.from((window as unknown as { dataLayer: IArguments[] }).dataLayer[0] ?? []),
    );
    expect(first.slice(0, 2)).toEqual(['consent', 'default']);
    await context.close();
  });

  it('reject all: still nothing sent, only the decision is logged', async () => {
    const context = await newContext(shared.browser);
    const { page, requests } = await openFixture(context, shared.server);
    await dialog(page);
    await page.click('role=button[name="Reject all"]');
    await sg(page, "track('AddToCart')");
    await settle(page);
    expect(collectorPosts(requests)).toEqual(['POST /v1/consent']);
    const state = await browserState(page);
    expect(state.cookies).toEqual([]);
    expect(Object.keys(state.local)).toEqual(['sgm_consent']);
    expect(state.databases).toEqual([]);
    expect(await ran(page)).toEqual([]);
    expect(await calls(page)).toEqual([
      'ttq.hold',
      'fbq.consent.revoke',
      'ttq.revoke',
      'fbq.consent.revoke',
    ]);
    const consentId = parse(state.local.sgm_consent).id;
    const [record] = await consentRecords('id', consentId, 1);
    expect(record).toMatchObject({
      decision_source: 'banner',
      anonymous_id: null,
      ip_truncated: '127.0.0.0',
    });
    expect(parse(record?.categories)).toMatchObject({ analytics: false, marketing: false });
    await context.close();
  });

  it('a first visit denied after waiting (data-consent-hold, a CMP) creates no IndexedDB', async () => {
    const context = await newContext(shared.browser);
    const { page, requests } = await openFixture(context, shared.server, {
      attrs: 'data-consent-hold="true"',
    });
    await dialog(page);
    await page.click('role=button[name="Reject all"]');
    await sg(page, "track('AddToCart')");
    await settle(page);
    expect(collectorPosts(requests)).toEqual(['POST /v1/consent']);
    const state = await browserState(page);
    expect(state.databases).toEqual([]);
    expect(Object.keys(state.local)).toEqual(['sgm_consent']);
    await context.close();

    // The same behind a CMP that denies everything on a first visit.
    const cmpContext = await newContext(shared.browser);
    await cmpContext.addInitScript(() => {
      window.name = 'deny';
    });
    const cmp = await openFixture(cmpContext, shared.server, { before: tcfLoaded() });
    await eventually(() =>
      cmp.page.evaluate('window.segmently?.consent?.get().functional === false'),
    );
    await sg(cmp.page, "track('AddToCart')");
    await settle(cmp.page);
    expect(collectorPosts(cmp.requests)).toEqual([]);
    expect(await browserState(cmp.page)).toMatchObject({ local: {}, databases: [] });
    await cmpContext.close();
  });

  it('analytics only: the held pageview arrives stamped, marketing scripts stay blocked', async () => {
    const context = await newContext(shared.browser);
    const { page } = await openFixture(context, shared.server, {
      attrs: 'data-consent-hold="true"',
    });
    await dialog(page);
    await page.click('role=button[name="Customise"]');
    await page.check('input[name="analytics"]');
    await page.click('role=button[name="Save choices"]');
    const anonymousId = await sg<string>(page, 'anonymousId');
    const rows = await arrived(anonymousId);
    expect(rows?.[0]?.type).toBe('page');
    const consent = parse(rows?.[0]?.context).consent;
    expect(consent).toEqual({
      categoryPreferences: {
        necessary: true,
        functional: false,
        analytics: true,
        marketing: false,
        personalization: false,
      },
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      revision: 1,
      gpc: false,
    });
    await eventually(async () => (await ran(page)).includes('analytics-src'));
    await page.evaluate(() => {
      for (const [category, name] of [
        ['analytics', 'late-analytics'],
        ['marketing', 'late-marketing'],
      ]) {
        const s = document.createElement('script');
        s.type = 'text/plain';
        s.dataset.consent = category;
        s.text = `ran.push('${name}')`;
        document.body.append(s);
      }
    });
    await eventually(async () => (await ran(page)).includes('late-analytics'));
    expect(await ran(page)).toEqual(['analytics-src', 'late-analytics']);
    // With analytics granted: the decision, the anonymous id and the session (sdk/local.ts).
    expect(Object.keys((await browserState(page)).local).sort()).toEqual([
      'sgm.ses',
      'sgm_aid',
      'sgm_consent',
    ]);
    await context.close();
  });

  it('accept all runs blocked scripts; withdrawal stops sending, clears storage, revokes vendors', async () => {
    const context = await newContext(shared.browser);
    const { page, requests } = await openFixture(context, shared.server, {
      before: "<script>segmently('init', { flushInterval: 60000 })</script>",
    });
    await dialog(page);
    await page.click('role=button[name="Accept all"]');
    await eventually(async () => (await ran(page)).length === 2);
    expect((await ran(page)).sort()).toEqual(['analytics-src', 'marketing-inline']);
    expect(await calls(page)).toEqual([
      'ttq.hold',
      'fbq.consent.revoke',
      'ttq.grant',
      'fbq.consent.grant',
    ]);
    // Without data-consent-hold, what happened before the decision was dropped, not kept.
    const before = await sg<string>(page, 'anonymousId');
    await sg(page, "track('AfterConsent')");
    await sg(page, 'flush()');
    await eventually(async () => (await eventsOf(before)).length === 1);

    // Queued (in IndexedDB, not yet sent: the flush interval is a minute), then withdrawn.
    await sg(page, "track('AddToCart')");
    await eventually(async () => (await browserState(page)).queued === 1);
    await sg(page, 'consent.set({ analytics: false, marketing: false })');
    await sg(page, "track('AfterWithdrawal')");
    await sg(page, 'flush()');
    await settle(page);

    const state = await browserState(page);
    expect(state.queued).toBe(0);
    expect(Object.keys(state.local)).toEqual(['sgm_consent']);
    expect(state.cookies).toEqual([]);
    const after = await sg<string>(page, 'anonymousId');
    expect(after).not.toBe(before);
    expect((await eventsOf(before)).map((r) => r.event)).toEqual(['AfterConsent']);
    expect(await eventsOf(after)).toEqual([]);
    expect(collectorPosts(requests).filter((r) => r === 'POST /v1/batch')).toHaveLength(1);
    expect(await calls(page)).toEqual([
      'ttq.hold',
      'fbq.consent.revoke',
      'ttq.grant',
      'fbq.consent.grant',
      'ttq.revoke',
      'fbq.consent.revoke',
    ]);
    const consentId = parse(state.local.sgm_consent).id;
    const records = await consentRecords('id', consentId, 2);
    expect(records).toEqual([
      expect.objectContaining({ decision_source: 'banner', anonymous_id: before }),
      expect.objectContaining({ decision_source: 'withdrawal', anonymous_id: null }),
    ]);

    // A later page load replays the stored decision to Consent Mode and asks nothing.
    await page.reload();
    await page.waitForFunction(
      () => (window as unknown as { dataLayer: unknown[] }).dataLayer.length >= 2,
    );
    const replay = await page.evaluate(() =>
      (window as unknown as { dataLayer: IArguments[] }).dataLayer.slice(0, 2).map((a) => [...a]),
    );
    expect(replay[0]?.slice(0, 2)).toEqual(['consent', 'default']);
    expect(replay[1]).toEqual([
      'consent',
      'update',
      expect.objectContaining({ analytics_storage: 'denied' }),
    ]);
    expect(await page.$('[role="dialog"]')).toBeNull();
    await context.close();
  });

  it('a blocked inline script runs once allowed under a nonce-based CSP', async () => {
    const context = await newContext(shared.browser);
    const html = `<!doctype html><html><head><script nonce="n0nce">window.ran = [];</script>
<script nonce="n0nce" src="/s.js" data-write-key="${shared.server.demo.writeKey}" data-consent-banner="false"></script>
<script nonce="n0nce" type="text/plain" data-consent="analytics">ran.push('inline')</script>
</head><body></body></html>`;
    await context.route(`${shared.server.url}/csp`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        headers: { 'Content-Security-Policy': "script-src 'nonce-n0nce'" },
        body: html,
      }),
    );
    const page = await context.newPage();
    await page.goto(`${shared.server.url}/csp`);
    await sg(page, 'consent.acceptAll()');
    expect(await eventually(async () => (await ran(page)).length > 0, 2000)).toBe(true);
    expect(await ran(page)).toEqual(['inline']);
    await context.close();
  });

  it('shows its banner, styled, under a nonce-based CSP', async () => {
    const context = await newContext(shared.browser);
    const html = `<!doctype html><html><head>
<script nonce="n0nce" src="/s.js" data-write-key="${shared.server.demo.writeKey}"></script>
</head><body><p>Shop</p></body></html>`;
    await context.route(`${shared.server.url}/csp-banner`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        headers: {
          'Content-Security-Policy':
            "default-src 'self'; script-src 'nonce-n0nce'; style-src 'nonce-n0nce'",
        },
        body: html,
      }),
    );
    const page = await context.newPage();
    await page.goto(`${shared.server.url}/csp-banner`);
    await page.waitForSelector('[role="dialog"]', { timeout: 5000 });
    expect(await page.$eval('#sgm-consent', (o) => getComputedStyle(o).position)).toBe('fixed');
    await page.click('role=button[name="Accept all"]');
    expect(await sg(page, 'consent.get().analytics')).toBe(true);
    await context.close();
  });

  it('two decisions in the same millisecond are both stored in the consent log', async () => {
    const context = await newContext(shared.browser);
    const { page } = await openFixture(context, shared.server);
    await dialog(page);
    await page.clock.setFixedTime(Date.now());
    await page.evaluate('segmently.consent.acceptAll(); segmently.consent.rejectAll()');
    const consentId = parse((await browserState(page)).local.sgm_consent).id;
    const records = await consentRecords('id', consentId, 2);
    expect(records.map((r) => r.decision_source)).toEqual(['api', 'withdrawal']);
    await context.close();
  });

  it('a marketing-category event never leaves the browser until marketing is granted', async () => {
    const context = await newContext(shared.browser);
    const { page } = await openFixture(context, shared.server, {
      attrs: 'data-consent-banner="false"',
    });
    const sentNames: string[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'POST' || !r.url().includes('/v1/batch')) return;
      for (const e of parse(r.postData()).batch) sentNames.push(e.event ?? e.type);
    });
    await sg(page, 'consent.set({ analytics: true, marketing: false })');
    await sg(page, "track('CampaignView', {}, { category: 'marketing' })");
    await sg(page, "track('PlainView')");
    await sg(page, 'flush()');
    const anonymousId = await sg<string>(page, 'anonymousId');
    await arrived(anonymousId);
    await settle(page);
    expect(sentNames).toEqual(['PlainView']);

    await sg(page, 'consent.set({ marketing: true })');
    await sg(page, "track('CampaignView', {}, { category: 'marketing' })");
    await sg(page, 'flush()');
    const rows = await eventually(async () => {
      const all = await eventsOf(anonymousId);
      return all.length === 2 ? all : undefined;
    });
    expect(rows?.map((r) => r.event)).toEqual(['PlainView', 'CampaignView']);
    expect(parse(rows?.[0]?.context).consent).not.toHaveProperty('category');
    expect(parse(rows?.[1]?.context).consent).toMatchObject({
      category: 'marketing',
      categoryPreferences: { analytics: true, marketing: true },
    });
    expect(sentNames).toEqual(['PlainView', 'CampaignView']);
    await context.close();
  });

  it('GPC denies marketing without asking (opt-out region) and is recorded as such', async () => {
    const context = await newContext(shared.browser);
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
    );
    const { page, requests } = await openFixture(context, shared.server, {
      attrs: 'data-consent-opt-out-regions="US" data-region="US-CA"',
    });
    const anonymousId = await eventually(() => sg<string>(page, 'anonymousId'));
    const rows = await arrived(anonymousId);
    expect(parse(rows?.[0]?.context).consent).toMatchObject({
      categoryPreferences: { analytics: true, marketing: false },
      gpc: true,
    });
    expect(await page.$('[role="dialog"]')).toBeNull();
    expect(requests.some((r) => r.includes('/s/banner-'))).toBe(false);
    expect(await ran(page)).toEqual(['analytics-src']);
    expect(await calls(page)).toEqual(['ttq.revoke', 'fbq.consent.revoke']);
    const [record] = await consentRecords('anonymous_id', anonymousId, 1);
    expect(record).toMatchObject({ decision_source: 'gpc', gpc: 1 });

    await context.close();

    // Opt-in region: the banner asks, but marketing stays denied even on Accept all.
    const optInContext = await newContext(shared.browser);
    await optInContext.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
    );
    const optIn = (await openFixture(optInContext, shared.server)).page;
    await dialog(optIn);
    await optIn.click('role=button[name="Customise"]');
    expect(await optIn.isDisabled('input[name="marketing"]')).toBe(true);
    await optIn.click('role=button[name="Accept all"]');
    expect(await sg(optIn, 'consent.get()')).toMatchObject({ analytics: true, marketing: false });
    await optInContext.close();
  });

  it('follows a TCF CMP already on the page instead of showing its own banner', async () => {
    const context = await newContext(shared.browser);
    const cmp = `<script>window.__tcfapi = (command, version, callback) => {
      if (command !== 'addEventListener') return;
      callback({ eventStatus: 'cmpuishown', gdprApplies: true }, true);
      setTimeout(() => callback({ eventStatus: 'useractioncomplete', gdprApplies: true, tcString: 'CPtest',
        purpose: { consents: { 1: true, 8: true, 9: true } } }, true), 100);
    };</script>`;
    const { page, requests } = await openFixture(context, shared.server, {
      before: cmp,
      attrs: 'data-consent-hold="true"',
    });
    const anonymousId = await sg<string>(page, 'anonymousId');
    const rows = await arrived(anonymousId);
    expect(parse(rows?.[0]?.context).consent).toMatchObject({
      categoryPreferences: {
        functional: true,
        analytics: true,
        marketing: false,
        personalization: false,
      },
      tcString: 'CPtest',
    });
    expect(requests.some((r) => r.includes('/s/banner-'))).toBe(false);
    expect(await ran(page)).toEqual(['analytics-src']);
    await context.close();
  });

  it('behind a CMP that answers later: the pageview waits for it, the stored id is kept', async () => {
    const context = await newContext(shared.browser);
    const { page } = await openFixture(context, shared.server, { before: tcfLoaded() });
    await analyticsGranted(page);
    const anonymousId = await sg<string>(page, 'anonymousId');
    expect((await arrived(anonymousId))?.map((r) => r.type)).toEqual(['page']);

    // The next page starts undecided again until the CMP answers: nothing stored is wiped.
    await page.reload();
    await analyticsGranted(page);
    expect(await sg<string>(page, 'anonymousId')).toBe(anonymousId);
    const rows = await eventually(async () => {
      const all = await eventsOf(anonymousId);
      return all.length === 2 ? all : undefined;
    });
    expect(rows?.map((r) => r.type)).toEqual(['page', 'page']);
    expect(parse(rows?.[1]?.context).consent).toMatchObject({ tcString: 'CPtest' });

    // A denial from the CMP on a later page removes the stored identity.
    await page.evaluate(() => {
      window.name = 'deny';
    });
    await page.reload();
    await eventually(() => page.evaluate('window.segmently?.consent?.get().functional === false'));
    await settle(page);
    expect(await sg<string>(page, 'anonymousId')).not.toBe(anonymousId);
    expect(Object.keys((await browserState(page)).local)).toEqual([]);
    expect(await eventsOf(anonymousId)).toHaveLength(2);
    await context.close();
  });

  it("a CMP saying GDPR does not apply leaves the decision to Segmently's own banner", async () => {
    const context = await newContext(shared.browser);
    const { page } = await openFixture(context, shared.server, { before: tcfLoaded(false) });
    await dialog(page);
    await page.click('role=button[name="Accept all"]');
    await sg(page, "track('AfterConsent')");
    await sg(page, 'flush()');
    const anonymousId = await sg<string>(page, 'anonymousId');
    const rows = await eventually(async () => {
      const all = await eventsOf(anonymousId);
      return all.length === 2 ? all : undefined;
    });
    // The pageview made before the banner's decision waited for it, as behind a CMP.
    expect(rows?.map((r) => r.event ?? r.type)).toEqual(['page', 'AfterConsent']);
    await context.close();
  });
});
