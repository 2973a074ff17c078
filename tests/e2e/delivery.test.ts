import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MeSegmentsResponse } from '../../shared/me-segments.js';
import type { WireEvent } from '../../shared/wire.js';
import { fixturePages } from './fixture-pages.js';
import { collectorAndBrowser, eventually, newContext } from './harness.js';

const SEGMENTS: MeSegmentsResponse = {
  segments: [
    {
      key: 'new-visitors',
      utm: { utm_source: 'site', utm_medium: 'web', utm_campaign: 'welcome' },
    },
    { key: 'vip', utm: { utm_source: 'site', utm_medium: 'web', utm_campaign: 'vip-sale' } },
  ],
};

const fixtures = fixturePages(() => shared.server.demo.writeKey, SEGMENTS);
const shared = collectorAndBrowser({ fixtures: fixtures.app });

const parse = (v: unknown) => JSON.parse(String(v));
const count = async (where: string, args: (string | number)[] = []) =>
  Number((await shared.server.sql(`SELECT count(*) AS n FROM events WHERE ${where}`, args))[0]?.n);
/** Waits until `where` matches exactly `n` rows. */
const expectRows = async (where: string, n: number, args: (string | number)[] = []) => {
  await eventually(async () => (await count(where, args)) >= n);
  expect(await count(where, args)).toBe(n);
};
const track = (page: Page, event: string, props: object = {}) =>
  page.evaluate(([e, p]) => window.segmently?.('track', e, p), [event, props] as const);
const queuedInIndexedDb = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('segmently');
        open.onsuccess = () => {
          const req = open.result.transaction('kv').objectStore('kv').count();
          req.onsuccess = () => resolve(req.result);
        };
      }),
  );

describe('delivery in Chromium', () => {
  it('offline: 50 tracked events survive a reload and arrive exactly once when online', async () => {
    const context = await newContext(shared.browser);
    const page = await context.newPage();
    await page.goto(`${shared.server.url}/t/app?auto=0`);
    await context.setOffline(true);
    await page.evaluate(() => {
      for (let i = 0; i < 50; i++) window.segmently?.('track', 'OfflineEvent', { i });
    });
    await eventually(async () => (await queuedInIndexedDb(page)) === 50);
    await page.reload().catch(() => {}); // offline: the page is gone, its events only in IndexedDB
    await context.setOffline(false);
    await page.goto(`${shared.server.url}/t/app?auto=0`);
    await expectRows("event = 'OfflineEvent'", 50);
    const rows = await shared.server.sql(
      "SELECT properties FROM events WHERE event = 'OfflineEvent'",
    );
    expect(rows.map((r) => parse(r.properties).i).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    await eventually(async () => (await queuedInIndexedDb(page)) === 0);
    await context.close();
  });

  it('closing the tab right after a track still delivers the event', async () => {
    const context = await newContext(shared.browser);
    const page = await context.newPage();
    // A minute's flush delay: only the pagehide beacon can deliver it in time.
    await page.goto(`${shared.server.url}/t/app?auto=0&interval=60000`);
    await track(page, 'ClosedTab');
    await page.close();
    await expectRows("event = 'ClosedTab'", 1);
    await context.close();
  });

  it('two tabs tracking at once: every event sent once, none lost', async () => {
    const context = await newContext(shared.browser);
    const sends = new Map<string, number>();
    context.on('request', (req) => {
      if (!req.url().endsWith('/v1/batch')) return;
      for (const e of (JSON.parse(req.postData() ?? '{}').batch ?? []) as WireEvent[])
        sends.set(e.messageId, (sends.get(e.messageId) ?? 0) + 1);
    });
    const tabs = [await context.newPage(), await context.newPage()];
    await Promise.all(tabs.map((t) => t.goto(`${shared.server.url}/t/app?auto=0&interval=50`)));
    await Promise.all(
      tabs.map((t, tab) =>
        t.evaluate(async (tab) => {
          for (let i = 0; i < 40; i++) {
            window.segmently?.('track', 'TwoTabs', { tab, i });
            if (i % 4 === 0) await new Promise((r) => setTimeout(r, Math.random() * 30));
          }
        }, tab),
      ),
    );
    await expectRows("event = 'TwoTabs'", 80);
    await Promise.all(tabs.map((t) => eventually(async () => (await queuedInIndexedDb(t)) === 0)));
    await eventually(async () => sends.size >= 80); // request events reach us asynchronously
    expect(sends.size).toBe(80);
    expect([...sends.values()].filter((n) => n > 1)).toEqual([]);
    await context.close();
  });

  it('single-page navigations produce pageviews with context.page', async () => {
    const context = await newContext(shared.browser);
    const page = await context.newPage();
    await page.goto(`${shared.server.url}/t/spa`);
    await page.evaluate(() => history.pushState({}, '', '/t/spa/products'));
    await page.evaluate(() => history.pushState({}, '', '/t/spa/products/42'));
    await page.evaluate(() => {
      location.hash = 'reviews';
    });
    await page.goBack(); // popstate back to /t/spa/products/42 without hash
    const anon = await page.evaluate(
      () => (window.segmently as { anonymousId: string }).anonymousId,
    );
    await expectRows("type = 'page' AND anonymous_id = ?", 5, [anon]);
    const pages = await shared.server.sql(
      "SELECT context FROM events WHERE type = 'page' AND anonymous_id = ? ORDER BY timestamp",
      [anon],
    );
    const seen = pages.map((r) => parse(r.context).page);
    expect(seen.map((p) => new URL(p.url).pathname + new URL(p.url).hash)).toEqual([
      '/t/spa',
      '/t/spa/products',
      '/t/spa/products/42',
      '/t/spa/products/42#reviews',
      '/t/spa/products/42',
    ]);
    expect(seen[1]).toMatchObject({ path: '/t/spa/products', title: 'Fixture' });
    expect(seen[1].referrer).toBe(`${shared.server.url}/t/spa`);
    await context.close();
  });

  it('a TikTok ad landing sets context.campaign, kept on later pages with the first touch', async () => {
    const context = await newContext(shared.browser);
    const page = await context.newPage();
    await page.goto(
      `${shared.server.url}/t/landing?utm_source=tiktok&utm_campaign=spring&ttclid=E.C.P.abc`,
    );
    await page.goto(`${shared.server.url}/t/next`);
    const anon = await page.evaluate(
      () => (window.segmently as { anonymousId: string }).anonymousId,
    );
    await expectRows("type = 'page' AND anonymous_id = ?", 2, [anon]);
    const rows = await shared.server.sql(
      'SELECT context FROM events WHERE anonymous_id = ? ORDER BY timestamp',
      [anon],
    );
    const campaign = { source: 'tiktok', name: 'spring', ttclid: 'E.C.P.abc' };
    for (const r of rows)
      expect(parse(r.context)).toMatchObject({ campaign, firstCampaign: campaign });
    // Skew-corrected timestamps of two fast loopback pageviews may tie: compare as a set.
    expect(rows.map((r) => parse(r.context).page.path).sort()).toEqual(['/t/landing', '/t/next']);
    await context.close();
  });

  it("tags data-segmently-utm links with the visitor's segment templates", async () => {
    const context = await newContext(shared.browser);
    const page = await context.newPage();
    await page.goto(`${shared.server.url}/t/links?links=1&auto=0`);
    await page.waitForFunction(() =>
      (document.getElementById('vip') as HTMLAnchorElement).href.includes('utm_campaign'),
    );
    const [any, vip, anon, tagged] = await page.evaluate(() => {
      const sg = window.segmently as unknown as {
        anonymousId: string;
        utm: { tag(url: string, key?: string): string };
      };
      return [
        (document.getElementById('any') as HTMLAnchorElement).href,
        (document.getElementById('vip') as HTMLAnchorElement).href,
        sg.anonymousId,
        sg.utm.tag('https://partner.example/p', 'vip'),
      ];
    });
    expect(any).toBe(
      'https://shop.example/sale?utm_source=site&utm_medium=web&utm_campaign=welcome',
    );
    expect(vip).toBe(
      'https://shop.example/vip?x=1&utm_source=site&utm_medium=web&utm_campaign=vip-sale',
    );
    expect(tagged).toContain('utm_campaign=vip-sale');
    const asked = fixtures.segmentRequests.at(-1);
    expect(asked?.searchParams.get('writeKey')).toBe(shared.server.demo.writeKey);
    expect(asked?.searchParams.get('anonymousId')).toBe(anon);
    await context.close();
  });

  it('falls back to the image pixel where fetch and sendBeacon are missing', async () => {
    const context = await newContext(shared.browser);
    await context.addInitScript(() => {
      Object.defineProperty(window, 'fetch', { value: undefined });
      Object.defineProperty(Navigator.prototype, 'sendBeacon', { value: undefined });
    });
    const page = await context.newPage();
    await page.goto(`${shared.server.url}/t/old-browser?auto=0`);
    const pixel = page.waitForRequest((req) => req.url().includes('/v1/p.gif?d='));
    await track(page, 'ViaPixel', { text: 'ünïcødé' });
    await expectRows("event = 'ViaPixel'", 1);
    expect((await pixel).method()).toBe('GET');
    const [row] = await shared.server.sql("SELECT properties FROM events WHERE event = 'ViaPixel'");
    expect(parse(row?.properties).text).toBe('ünïcødé');
    await context.close();
  });

  it('fetches the standard-event check only in debug mode, warns, and still sends the event', async () => {
    const context = await newContext(shared.browser);
    const page = await context.newPage();
    const chunks: string[] = [];
    const warnings: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/s/event-check-')) chunks.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await page.goto(`${shared.server.url}/t/debug?auto=0`);
    await track(page, 'Purchase', { value: 'ten', step: 'before' });
    await expectRows("event = 'Purchase' AND properties->>'step' = 'before'", 1);
    expect(chunks).toEqual([]);

    await page.evaluate(() => window.segmently?.('debug', true));
    await page.evaluate(() => {
      window.segmently?.('track', 'Purchase', { value: 'ten', step: 'debug' });
      window.segmently?.('track', 'Search', { step: 'debug' });
    });
    await eventually(async () => warnings.length >= 2);
    expect(warnings).toEqual([
      expect.stringContaining('value: number'),
      expect.stringContaining('query needed'),
    ]);
    expect(chunks).toHaveLength(1); // both waited for one fetch
    await expectRows("properties->>'step' = 'debug'", 2);
    await context.close();
  });
});
