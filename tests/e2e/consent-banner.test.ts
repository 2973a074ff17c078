import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openFixture } from './consent-fixture.js';
import { collectorAndBrowser, eventually, newContext } from './harness.js';

const require = createRequire(import.meta.url);
const shared = collectorAndBrowser();

/** The focused element, named the way a screen reader user would meet it. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    if (el.getAttribute('role') === 'dialog') return 'dialog';
    if (el instanceof HTMLInputElement) return `${el.name}:${el.checked ? 'on' : 'off'}`;
    return el.textContent;
  });

async function tabs(page: Page, n: number, key = 'Tab') {
  const seen: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    await page.keyboard.press(key);
    seen.push(await focused(page));
  }
  return seen;
}

async function axeViolations(page: Page) {
  await page.addScriptTag({ path: require.resolve('axe-core') });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: string) => Promise<{ violations: { id: string; help: string }[] }> };
      }
    ).axe;
    const result = await axe.run('#sgm-consent');
    return result.violations.map((v) => `${v.id}: ${v.help}`);
  });
}

describe('consent banner in Chromium', () => {
  it('is operable by keyboard alone, with focus trapped in the dialog', async () => {
    const context = await newContext(shared.browser);
    const { page } = await openFixture(context, shared.server);
    await page.waitForSelector('[role="dialog"][aria-modal="true"]');
    expect(await focused(page)).toBe('dialog');
    expect(await tabs(page, 5)).toEqual([
      'Privacy policy',
      'Accept all',
      'Reject all',
      'Customise',
      'Privacy policy', // wrapped: focus never leaves the dialog
    ]);
    expect(await tabs(page, 1, 'Shift+Tab')).toEqual(['Customise']);
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe('functional:off');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await focused(page)).toBe('analytics:on');
    expect(await tabs(page, 5)).toEqual([
      'marketing:off',
      'personalization:off',
      'Accept all',
      'Reject all',
      'Save choices',
    ]);
    await page.keyboard.press('Enter');
    expect(await page.$('[role="dialog"]')).toBeNull();
    expect(await page.evaluate('window.segmently.consent.get()')).toEqual({
      necessary: true,
      functional: false,
      analytics: true,
      marketing: false,
      personalization: false,
    });

    // consent.show() reopens the preferences with the current choices.
    await page.evaluate('window.segmently.consent.show()');
    await page.waitForSelector('[role="dialog"]');
    expect(await page.isChecked('input[name="analytics"]')).toBe(true);
    expect(await page.isChecked('input[name="marketing"]')).toBe(false);
    expect(await page.isVisible('role=button[name="Save choices"]')).toBe(true);
    await context.close();
  });

  it('keeps focus in the dialog after a click on the backdrop', async () => {
    const context = await newContext(shared.browser);
    const { page } = await openFixture(context, shared.server);
    await page.waitForSelector('[role="dialog"]');
    await page.mouse.click(5, 5); // the backdrop, above the dialog
    const inDialog = () =>
      page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
    await page.keyboard.press('Shift+Tab');
    expect(await inDialog()).toBe(true);
    await page.mouse.click(5, 5);
    await page.keyboard.press('Tab');
    expect(await inDialog()).toBe(true);
    await context.close();
  });

  it('Escape steps back from the preferences and never counts as a choice; consent.off', async () => {
    const context = await newContext(shared.browser);
    const { page, requests } = await openFixture(context, shared.server);
    await page.waitForSelector('[role="dialog"]');
    const consentPosts = () => requests.filter((r) => r === 'POST /v1/consent').length;
    const preferencesShown = () => page.isVisible('input[name="analytics"]');

    // First ask: Escape neither closes the banner nor decides anything.
    await page.keyboard.press('Escape');
    expect(await page.isVisible('[role="dialog"]')).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem('sgm_consent'))).toBeNull();

    // Preferences → Escape → back to the first layer, focus on the button that opened them.
    await page.click('role=button[name="Customise"]');
    expect(await preferencesShown()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await preferencesShown()).toBe(false);
    expect(await focused(page)).toBe('Customise');
    await page.keyboard.press('Escape');
    expect(await page.isVisible('[role="dialog"]')).toBe(true);
    expect(consentPosts()).toBe(0);

    await page.evaluate(`
      window.heard = [];
      window.listener = (p) => heard.push(p.analytics);
      segmently.consent.on('change', listener);
    `);
    await page.click('role=button[name="Accept all"]');
    await page.evaluate(`segmently.consent.off('change', listener); segmently.consent.rejectAll()`);
    expect(await page.evaluate('window.heard')).toEqual([true]);

    // Reopened with a decision in force: Escape goes back, then closes without a new decision.
    await page.focus('a[href="#top"]');
    await page.evaluate('window.segmently.consent.show()');
    await page.waitForSelector('[role="dialog"]');
    expect(await preferencesShown()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await preferencesShown()).toBe(false);
    await page.keyboard.press('Escape');
    expect(await page.$('[role="dialog"]')).toBeNull();
    expect(await focused(page)).toBe('Top');
    expect(await page.evaluate('window.segmently.consent.get().analytics')).toBe(false);
    await eventually(async () => consentPosts() === 2);
    await context.close();
  });

  it('passes an automated accessibility check in both views, equal weight, no layout shift', async () => {
    const context = await newContext(shared.browser);
    await context.addInitScript(() => {
      const w = window as unknown as { shifts: string[] };
      w.shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as {
          value: number;
          hadRecentInput: boolean;
          sources: { node?: Node }[];
        }[])
          if (!e.hadRecentInput)
            w.shifts.push(
              `${e.value} ${e.sources.map((s) => (s.node as Element)?.outerHTML?.slice(0, 60))}`,
            );
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const { page } = await openFixture(context, shared.server);
    await page.waitForSelector('[role="dialog"]');
    const name = await page.getAttribute('[role="dialog"]', 'aria-labelledby');
    expect(await page.textContent(`#${name}`)).toBe('Your privacy choices');
    expect(await axeViolations(page)).toEqual([]);

    const style = (label: string) =>
      page.$eval(`role=button[name="${label}"]`, (b) => {
        const s = getComputedStyle(b);
        return [
          s.backgroundColor,
          s.color,
          s.fontWeight,
          s.fontSize,
          b.getBoundingClientRect().height,
        ];
      });
    expect(await style('Accept all')).toEqual(await style('Reject all'));

    await page.click('role=button[name="Customise"]');
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { shifts: string[] }).shifts)).toEqual(
      [],
    );
    await context.close();
  });

  it('closes in the other tabs once a decision is made in one', async () => {
    const context = await newContext(shared.browser);
    const [a, b] = [
      await openFixture(context, shared.server),
      await openFixture(context, shared.server),
    ];
    await a.page.waitForSelector('[role="dialog"]');
    await b.page.waitForSelector('[role="dialog"]');
    await a.page.click('role=button[name="Accept all"]');
    await b.page.waitForSelector('#sgm-consent', { state: 'detached', timeout: 5000 });
    expect(await b.page.evaluate('window.segmently.consent.get().analytics')).toBe(true);
    await context.close();
  });

  it('speaks the page language, takes owner texts and CSS variables', async () => {
    const context = await newContext(shared.browser);
    const { page } = await openFixture(context, shared.server, {
      lang: 'it',
      before: `<style>:root { --sgm-accent: rgb(200, 0, 0); }</style>
        <script>segmently('init', { consent: { texts: { it: { title: 'Cookie e privacy' } } } })</script>`,
    });
    await page.waitForSelector('[role="dialog"]');
    expect(await page.textContent('#sgm-title')).toBe('Cookie e privacy');
    expect(await page.isVisible('role=button[name="Accetta tutto"]')).toBe(true);
    expect(await page.isVisible('role=button[name="Rifiuta tutto"]')).toBe(true);
    expect(
      await page.$eval(
        'role=button[name="Accetta tutto"]',
        (b) => getComputedStyle(b).backgroundColor,
      ),
    ).toBe('rgb(200, 0, 0)');
    await context.close();
  });

  it('marks English texts as English on a page in another language', async () => {
    const context = await newContext(shared.browser);
    const { page } = await openFixture(context, shared.server, { lang: 'nl' });
    await page.waitForSelector('[role="dialog"]');
    expect(await page.getAttribute('[role="dialog"]', 'lang')).toBe('en');
    expect(await page.textContent('#sgm-title')).toBe('Your privacy choices');
    await context.close();
  });
});
