import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, sendEvents, signIn, watchDialogs, XSS } from './dashboard-helpers.js';
import { collectorAndBrowser, type E2eCollector, eventually, newContext } from './harness.js';

const shared = collectorAndBrowser();
let server: E2eCollector;
let browser: Browser;
let page: Page;
let dialogs: string[] = [];

let n = 0;
const view = (anonymousId: string, contentId: string) => ({
  type: 'track',
  event: 'ViewContent',
  messageId: `seg-e2e-${++n}`,
  anonymousId,
  timestamp: new Date().toISOString(),
  properties: { content_id: contentId },
});
const shot = (name: string) => screenshot(page, name);
const send = (batch: Record<string, unknown>[]) => sendEvents(server, batch);

beforeAll(async () => {
  ({ server, browser } = shared);
  await send([
    view('anon-1', 'sku-grinder'),
    view('anon-2', 'sku-grinder'),
    view('anon-2', 'sku-mug'),
    view(XSS, 'sku-grinder'),
    view('anon-4', 'sku-mug'),
  ]);
  const context = await newContext(browser, { bypassCSP: true, acceptDownloads: true });
  page = await context.newPage();
  dialogs = watchDialogs(page);
  await signIn(page, server);
});

describe('segments in the dashboard (Chromium)', () => {
  it('lists the built-in segments with their sizes', async () => {
    await page.click('nav >> text=Segments');
    await page.waitForSelector('#segments tr[data-key="cart-abandoners"]');
    // The four visitors were all first seen just now: the built-in "new" segment holds them.
    await eventually(async () => {
      await page.reload();
      return (await page.textContent('tr[data-key="new"] [data-col=size]'))?.trim() === '4';
    });
    await shot('segments');
  });

  it('creates a segment in the rule editor with a live preview count, then exports it as CSV', async () => {
    await page.click('text=New segment');
    await page.fill('input[name=name]', 'Grinder fans');
    await page.fill('input[name=key]', 'grinder-fans');
    await page.fill('input[name="c0.event"]', 'ViewContent');
    await page.click('button[value="addFilter:0"]');
    await page.fill('input[name="c0.f0.property"]', 'content_id');
    await page.fill('input[name="c0.f0.value"]', 'sku-grinder');
    await page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '3');
    expect(await page.textContent('#preview-sample')).toContain(XSS);
    await page.fill('input[name=utm_source]', 'newsletter');
    await page.fill('input[name=utm_medium]', 'email');
    await page.fill('input[name=utm_campaign]', 'grinder-fans');
    await shot('segment-editor');

    await page.click('#save-segment');
    await page.waitForURL(/\/app\/segments\/grinder-fans/);
    const size = await eventually(async () => {
      await page.reload();
      const text = (await page.textContent('#kpi-size .kpi-value'))?.trim();
      return text === '3' ? text : undefined;
    });
    expect(size).toBe('3');
    expect(await page.textContent('#members')).toContain(XSS);
    expect(await page.$$('#members img')).toHaveLength(0);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('text=Export CSV'),
    ]);
    const csv = readFileSync((await download.path()) as string, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('profile_id,user_id,anonymous_id,entered_at');
    expect(
      csv
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(['a:<img src=x onerror=alert(1)>', 'a:anon-1', 'a:anon-2']);

    await page.fill('input[name=q]', 'anon-2');
    await page.press('input[name=q]', 'Enter');
    await page.waitForSelector('#members-h >> text=Members (1)');

    await page.fill('input[name=link]', 'https://shop.example/sale');
    await page.click('text=Build tagged link');
    expect(await page.inputValue('#tagged-link')).toContain('utm_campaign=grinder-fans');
    await shot('segment');
    expect(dialogs).toEqual([]);
  });

  it('shows a profile’s current segments', async () => {
    await page.goto(`${server.url}/app/profiles?id=anon-2`);
    await page.waitForSelector('#profile-segments');
    const segments = await page.textContent('#profile-segments');
    expect(segments).toContain('grinder-fans');
    expect(segments).toContain('new');
    await shot('profile-segments');
  });

  it('refuses an invalid rule with a readable error and keeps the form', async () => {
    await page.goto(`${server.url}/app/segments/grinder-fans`);
    await page.click('text=Edit rule');
    await page.fill('input[name="c0.within"]', 'soon');
    await page.click('#save-segment');
    await page.waitForSelector('#editor-errors');
    expect(await page.textContent('#editor-errors')).toMatch(/duration/);
    expect(await page.inputValue('input[name=name]')).toBe('Grinder fans');
  });
});
