import type { Browser, BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, sendEvents, watchDialogs, XSS } from './dashboard-helpers.js';
import {
  ADMIN_TOKEN,
  collectorAndBrowser,
  type E2eCollector,
  eventually,
  newContext,
} from './harness.js';

const DAY = 86_400_000;

const shared = collectorAndBrowser();
let server: E2eCollector;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dialogs: string[] = [];
const send = (batch: Record<string, unknown>[]) => sendEvents(server, batch);

let n = 0;
const ev = (fields: Record<string, unknown>) => ({
  type: 'track',
  messageId: `e2e-dash-${++n}`,
  timestamp: new Date(Date.now() - Number(fields.daysAgo ?? 0) * DAY).toISOString(),
  ...fields,
  daysAgo: undefined,
});
const shot = (name: string) => screenshot(page, name);

beforeAll(async () => {
  ({ server, browser } = shared);
  const utm = (source: string, name: string) => ({ campaign: { source, medium: 'paid', name } });
  const consent = (marketing: boolean) => ({
    consent: { categoryPreferences: { necessary: true, analytics: true, marketing } },
  });
  await send([
    ev({
      type: 'page',
      name: 'Home',
      anonymousId: 'anon-ada',
      daysAgo: 2,
      context: { ...utm('tiktok', 'spring-sale'), ...consent(true) },
    }),
    ev({
      event: 'ViewContent',
      anonymousId: 'anon-ada',
      daysAgo: 2,
      properties: { content_id: 'sku-grinder' },
    }),
    ev({
      type: 'identify',
      anonymousId: 'anon-ada',
      userId: 'user-ada',
      daysAgo: 1,
      traits: { email: 'ada@example.com', plan: 'pro' },
    }),
    ev({
      event: 'Purchase',
      anonymousId: 'anon-ada',
      userId: 'user-ada',
      daysAgo: 1,
      properties: { value: 89, currency: 'EUR', order_id: 'o-1' },
    }),
    ev({
      type: 'page',
      name: 'Home',
      anonymousId: 'anon-bob',
      context: { ...utm('meta', 'retarget'), ...consent(false) },
    }),
    ev({ event: 'AddToCart', anonymousId: 'anon-bob', properties: { note: XSS, value: 16 } }),
  ]);
  // Without CSP, so the XSS checks prove escaping itself (the CSP is asserted in collector tests).
  context = await newContext(browser, { bypassCSP: true });
  page = await context.newPage();
  dialogs = watchDialogs(page);
});

describe('marketer dashboard in Chromium', () => {
  it('sends an unauthenticated visitor to the login page; the API answers 401', async () => {
    await page.goto(`${server.url}/app`);
    expect(new URL(page.url()).pathname).toBe('/app/login');
    const api = await fetch(`${server.url}/api/v1/sources`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: { code: 'unauthorized' } });
    await shot('login');
  });

  it('signs in with the admin token and shows overview numbers that match the database', async () => {
    await page.fill('input[name=token]', 'wrong-token-123456');
    await page.press('input[name=token]', 'Enter');
    await page.waitForSelector('[role=alert]');
    await page.fill('input[name=token]', ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('#kpi-events');
    const [db] = await server.sql(
      `SELECT count(*) AS events, count(DISTINCT coalesce(anonymous_id, user_id)) AS visitors,
              sum(type = 'page') AS pageviews FROM events`,
    );
    const kpi = async (id: string) => (await page.textContent(`#${id} .kpi-value`))?.trim();
    expect(await kpi('kpi-events')).toBe(String(db?.events));
    expect(await kpi('kpi-visitors')).toBe(String(db?.visitors));
    expect(await kpi('kpi-pageviews')).toBe(String(db?.pageviews));
    expect(await kpi('kpi-conversion')).toBe('50.0%');
    expect(await kpi('kpi-revenue')).toBe('€89.00');
    expect(await page.textContent('#top-sources')).toContain('tiktok');
    expect(await page.textContent('#top-campaigns')).toContain('spring-sale');
    expect(
      await page.getAttribute('#consent-rates meter[aria-label="marketing opt-in"]', 'value'),
    ).toBe('0.5');
    await page.waitForSelector('.chart-plot canvas');
    await shot('overview');
  });

  it('renders an XSS payload from event properties as text, live and on reload', async () => {
    await page.click('nav >> text=Live events');
    await page.waitForSelector('#live-status >> text=Live');
    expect(await page.textContent('#live-events')).toContain(XSS);
    await send([
      ev({
        event: 'Search',
        anonymousId: 'anon-eve',
        properties: { query: `${XSS}<script>alert(2)</script>` },
      }),
    ]);
    await page.waitForSelector('#live-events tbody tr >> text=Search', { timeout: 10_000 });
    expect(await page.textContent('#live-events')).toContain(`${XSS}<script>alert(2)</script>`);
    expect(await page.$$('#live-events img')).toHaveLength(0);
    // A rejected event shows up with its reason.
    await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        writeKey: server.demo.writeKey,
        batch: [{ type: 'track', messageId: 'bad-1', anonymousId: XSS }],
      }),
    });
    await page.waitForSelector('#failed-events tbody tr', { timeout: 10_000 });
    await shot('live');
    expect(dialogs).toEqual([]);
  });

  it('looks up a visitor: stitched identity, traits, consent and timeline', async () => {
    await page.click('nav >> text=Profiles');
    await page.fill('input[name=id]', 'anon-ada');
    await page.press('input[name=id]', 'Enter');
    await page.waitForSelector('#profile-traits');
    expect(await page.textContent('#profile-traits')).toContain('ada@example.com');
    expect(await page.textContent('#ids-h + dl')).toContain('user-ada');
    expect(await page.textContent('#profile-consent')).toContain('granted');
    const rows = await page.$$eval('#profile-events tbody tr', (trs) =>
      trs.map((tr) => tr.textContent),
    );
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain('Purchase');
    await shot('profile');
    await page.goto(`${server.url}/app/profiles?id=anon-bob`);
    expect(await page.textContent('#profile-events')).toContain(XSS);
    expect(await page.$$('#profile-events img')).toHaveLength(0);
    expect(dialogs).toEqual([]);
  });

  it('shows content KPIs fed by the demo shop’s product video', async () => {
    const shop = await newContext(browser);
    const visitor = await shop.newPage();
    await visitor.goto(`${server.url}/demo/product/sku-grinder`);
    await visitor.click('role=button[name="Accept all"]');
    await visitor.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1);
    expect(await visitor.$eval('video', (v) => (v as HTMLVideoElement).duration)).toBeCloseTo(4, 0);
    await visitor.$eval('video', (v) => {
      const video = v as HTMLVideoElement;
      video.playbackRate = 4;
      return video.play();
    });
    await visitor.waitForFunction(() => document.querySelector('video')?.ended, null, {
      timeout: 15_000,
    });
    await visitor.click('#like-video');
    await visitor.click('#share-video');
    await visitor.fill('input[name=comment]', 'Looks great <b>really</b>');
    await visitor.click('#comment-form button');
    const stored = await eventually(async () => {
      const r = await server.sql(
        "SELECT event, properties FROM events WHERE event LIKE 'Video%' OR event LIKE 'Content%'",
      );
      return r.length >= 7 ? r : undefined;
    });
    await shop.close();
    const names = (stored ?? []).map((r) => r.event);
    for (const name of [
      'VideoStart',
      'VideoProgress',
      'VideoComplete',
      'ContentLike',
      'ContentShare',
      'ContentComment',
    ])
      expect(names).toContain(name);
    const percents = (stored ?? [])
      .filter((r) => r.event === 'VideoProgress')
      .map((r) => JSON.parse(String(r.properties)).percent);
    expect(percents.sort()).toEqual([25, 50, 75]);

    await page.click('nav >> text=Content');
    const row = 'tr[data-content="video-grinder-demo"]';
    await page.waitForSelector(row);
    const kpi = async (k: string) => (await page.textContent(`${row} [data-kpi=${k}]`))?.trim();
    expect(await kpi('views')).toBe('1');
    expect(await kpi('likes')).toBe('1');
    expect(await kpi('comments')).toBe('1');
    expect(await kpi('shares')).toBe('1');
    expect(await kpi('completion')).toBe('100.0%');
    expect(await kpi('watch')).toMatch(/^[3-5]s$/);
    await shot('content');
  });

  it('fits a phone screen and signs out', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/app`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('overview-phone');
    await page.click('text=Sign out');
    await page.waitForURL('**/app/login');
    await page.goto(`${server.url}/app`);
    expect(new URL(page.url()).pathname).toBe('/app/login');
  });
});
