import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fixtureHtml } from './consent-fixture.js';
import { collectorAndBrowser, eventually, newContext } from './harness.js';

const shared = collectorAndBrowser();

/** The consent fixture (blocked inline and data-src scripts) served under `csp`; page errors recorded. */
async function openUnder(context: BrowserContext, csp: string) {
  await context.route(`${shared.server.url}/fixture/analytics.js`, (route) =>
    route.fulfill({ contentType: 'text/javascript', body: "ran.push('analytics-src')" }),
  );
  await context.route(`${shared.server.url}/hostile`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      headers: { 'Content-Security-Policy': csp },
      body: fixtureHtml(shared.server),
    }),
  );
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${shared.server.url}/hostile`);
  return { page, errors };
}

/** Tracks 'After' on the page; the names of the events stored for its visitor since. */
async function trackedEvents(page: Page) {
  await page.evaluate("segmently.track('After')");
  const aid = (await page.evaluate('segmently.anonymousId')) as string;
  const rows = await eventually(async () => {
    const r = await shared.server.sql('SELECT event FROM events WHERE anonymous_id = ?', [aid]);
    return r.length ? r : undefined;
  });
  return rows?.map((r) => r.event);
}

describe('hostile and unusual pages in Chromium', () => {
  it('under Trusted Types the banner loads and blocked scripts run once allowed, nothing thrown', async () => {
    const context = await newContext(shared.browser);
    const { page, errors } = await openUnder(context, "require-trusted-types-for 'script'");
    await page.waitForSelector('[role="dialog"]', { timeout: 5000 });
    await page.click('role=button[name="Accept all"]');
    const ran = () => page.evaluate(() => (window as unknown as { ran: string[] }).ran.sort());
    expect(await eventually(async () => (await ran()).length === 2, 3000)).toBe(true);
    expect(await ran()).toEqual(['analytics-src', 'marketing-inline']);
    expect(await trackedEvents(page)).toEqual(['After']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('where Trusted Types refuse its policy, the SDK still works and throws nothing', async () => {
    const context = await newContext(shared.browser);
    const { page, errors } = await openUnder(
      context,
      "require-trusted-types-for 'script'; trusted-types other",
    );
    await page.evaluate('segmently.consent.show()');
    await page.evaluate('segmently.consent.acceptAll()');
    expect(await trackedEvents(page)).toEqual(['After']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a page that froze History.prototype the script tag installs the API and sends', async () => {
    const context = await newContext(shared.browser);
    await context.route(`${shared.server.url}/frozen`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html><head><script>Object.freeze(History.prototype)</script>
<script src="/s.js" data-write-key="${shared.server.demo.writeKey}" data-consent-mode="opt-out"
  data-consent-banner="false"></script></head><body></body></html>`,
      }),
    );
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${shared.server.url}/frozen`);
    await page.evaluate("segmently.track('After')");
    const aid = (await page.evaluate('segmently.anonymousId')) as string;
    const rows = await eventually(async () => {
      const r = await shared.server.sql('SELECT type FROM events WHERE anonymous_id = ?', [aid]);
      return r.length === 2 ? r : undefined;
    });
    expect(rows?.map((r) => r.type).sort()).toEqual(['page', 'track']);
    expect(errors).toEqual([]);
    await context.close();
  });
});
