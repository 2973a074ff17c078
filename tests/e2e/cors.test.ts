import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Source } from '../../collector/sources/store.js';
import { collectorAndBrowser, type E2eCollector, newContext } from './harness.js';

// A page on http://localhost:<port> posting to the collector on http://127.0.0.1:<port>:
// a real cross-origin browser request, with and without a preflight.
const shared = collectorAndBrowser();
let server: E2eCollector;
let browser: Browser;
let site: Server;
let siteOrigin: string;
let allowed: Source;
let other: Source;

beforeAll(async () => {
  site = createServer((_, res) => res.end('<!doctype html><title>site</title>'));
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteOrigin = `http://localhost:${(site.address() as AddressInfo).port}`;
  ({ server, browser } = shared);
  allowed = await server.collector.deps.sources.create({
    name: 'Site',
    allowedOrigins: [siteOrigin],
  });
  other = await server.collector.deps.sources.create({
    name: 'Elsewhere',
    allowedOrigins: ['https://elsewhere.example'],
  });
});
afterAll(() => {
  site?.close();
});

/** Runs fetch in the page; answers the status and body, or the error a CORS refusal raises. */
function post(page: Page, writeKey: string, messageId: string, preflight: boolean) {
  return page.evaluate(
    async ({ url, writeKey, messageId, preflight }) => {
      const event = { type: 'track', event: 'Cors', anonymousId: 'a1', messageId };
      const init: RequestInit = preflight
        ? {
            method: 'POST',
            body: JSON.stringify({ batch: [event] }),
            headers: {
              'Content-Type': 'application/json',
              Authorization: `Basic ${btoa(`${writeKey}:`)}`,
            },
          }
        : {
            method: 'POST',
            body: JSON.stringify({ writeKey, batch: [event] }),
            headers: { 'Content-Type': 'text/plain' },
          };
      try {
        const res = await fetch(`${url}/v1/batch`, init);
        return { status: res.status, body: await res.json() };
      } catch (e) {
        return { error: String(e) };
      }
    },
    { url: server.url, writeKey, messageId, preflight },
  );
}

const stored = async (messageId: string) =>
  (await server.sql('SELECT * FROM events WHERE message_id = ?', [messageId])).length;

describe('CORS in Chromium', () => {
  it("lets an allowed origin post text/plain (no preflight) and JSON with Basic auth (preflight), and refuses other sources' keys", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(siteOrigin);

    expect(await post(page, allowed.writeKey, 'cors-simple', false)).toEqual({
      status: 200,
      body: { accepted: 1, rejected: [] },
    });
    expect(await post(page, allowed.writeKey, 'cors-preflight', true)).toEqual({
      status: 200,
      body: { accepted: 1, rejected: [] },
    });
    expect(await stored('cors-simple')).toBe(1);
    expect(await stored('cors-preflight')).toBe(1);

    // The same page with a source that does not list its origin: the browser sees a CORS failure.
    expect(await post(page, other.writeKey, 'cors-denied', false)).toEqual({
      error: expect.stringContaining('Failed to fetch'),
    });
    expect(await stored('cors-denied')).toBe(0);
    await context.close();
  });

  it('drops and counts events from HeadlessChrome (its own user agent)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(siteOrigin);
    expect(await page.evaluate(() => navigator.userAgent)).toContain('HeadlessChrome');
    expect(await post(page, allowed.writeKey, 'cors-headless', false)).toEqual({
      status: 200,
      body: { accepted: 1, rejected: [] },
    });
    expect(await stored('cors-headless')).toBe(0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/segmently_events_dropped_total\{reason="bot"\} [1-9]/);
    await context.close();
  });
});
