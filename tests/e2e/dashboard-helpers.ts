import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ADMIN_TOKEN, type E2eCollector } from './harness.js';

export const XSS = '<img src=x onerror=alert(1)>';
const SHOTS = 'test-results/screenshots';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Posts events to the collector with the demo source's write key; all must be accepted. */
export async function sendEvents(server: E2eCollector, batch: Record<string, unknown>[]) {
  const res = await fetch(`${server.url}/v1/batch`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Basic ${Buffer.from(`${server.demo.writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ batch }),
  });
  expect(await res.json()).toMatchObject({ rejected: [] });
}

export async function signIn(page: Page, server: E2eCollector) {
  await page.goto(`${server.url}/app/login`);
  await page.fill('input[name=token]', ADMIN_TOKEN);
  await page.click('button[type=submit]');
  await page.waitForSelector('#kpi-events');
}

/**
 * A full-page screenshot kept for reviewers (test-results/screenshots, not committed), and
 * an axe-core check of the same page: no serious or critical accessibility violations.
 */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page at run time
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v: { id: string; nodes: { target: string[] }[] }) =>
          `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
  });
  expect(violations, name).toEqual([]);
}

/** Records every alert/confirm/prompt the page opens: an executed XSS payload shows here. */
export function watchDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  return dialogs;
}
