import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fixturePages } from './fixture-pages.js';
import { collectorAndBrowser, eventually, newContext } from './harness.js';

const fixtures = fixturePages(() => shared.server.demo.writeKey, { segments: [] });
const shared = collectorAndBrowser({ fixtures: fixtures.app });

/**
 * A page whose queue only the page-exit path can send: no pageview, a minute's flush delay
 * and no size-triggered flush.
 */
const QUIET_PAGE = '/t/app?auto=0&interval=60000&at=100000';

/** One request the SDK made as the page went away, as recorded in the page. */
interface ExitSend {
  via: 'beacon' | 'fetch';
  bytes: number;
  /** sendBeacon's answer, or whether the keepalive fetch got a response. */
  ok?: boolean;
  ids?: string[];
}

/**
 * Records every sendBeacon and keepalive fetch (body size, outcome, messageIds) in
 * `window.__exitSends`, passing them on unchanged; `refuseBeacons` makes sendBeacon answer
 * false without sending, as browsers do when their keepalive quota is spent.
 */
const recordExitSends = (context: BrowserContext, refuseBeacons = false) =>
  context.addInitScript((refuse) => {
    const sends: ExitSend[] = [];
    Object.assign(window, { __exitSends: sends });
    const idsOf = (text: string) =>
      (JSON.parse(text).batch as { messageId: string }[]).map((e) => e.messageId);
    const beacon = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, data) => {
      const blob = data as Blob;
      const sent: ExitSend = { via: 'beacon', bytes: blob.size };
      sends.push(sent);
      void blob.text().then((t) => (sent.ids = idsOf(t)));
      sent.ok = refuse ? false : beacon(url, data);
      return sent.ok;
    };
    const fetch = window.fetch;
    window.fetch = (input, init) => {
      const response = fetch(input, init);
      if (init?.keepalive) {
        const body = String(init.body);
        const sent: ExitSend = {
          via: 'fetch',
          bytes: new TextEncoder().encode(body).length,
          ids: idsOf(body),
        };
        sends.push(sent);
        response.then(
          () => (sent.ok = true),
          () => (sent.ok = false),
        );
      }
      return response;
    };
  }, refuseBeacons);

const exitSends = (page: Page) =>
  page.evaluate(() => (window as unknown as { __exitSends: ExitSend[] }).__exitSends);
/** The recorded sends once each has its outcome and messageIds. */
const settledExitSends = async (page: Page) => {
  const settled = (sends: ExitSend[]) => sends.every((s) => s.ok !== undefined && s.ids);
  await eventually(async () => settled(await exitSends(page)));
  return exitSends(page);
};

/** The messageIds waiting in the page's IndexedDB queue (keys `q:<time>:<messageId>`). */
const queuedIds = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const open = indexedDB.open('segmently');
        open.onsuccess = () => {
          const req = open.result.transaction('kv').objectStore('kv').getAllKeys();
          req.onsuccess = () =>
            resolve(
              req.result
                .map(String)
                .filter((k) => k.startsWith('q:'))
                .map((k) => k.split(':')[2] as string),
            );
        };
      }),
  );

/** Tracks `n` events, each with a `pad` of `padBytes`, and waits until all are queued. */
const trackQueued = async (page: Page, event: string, n: number, padBytes = 0) => {
  // The load's own flush would otherwise read the new events from IndexedDB and send them.
  await page.evaluate(() => window.segmently?.('flush'));
  await page.evaluate(
    ([event, n, padBytes]) => {
      for (let i = 0; i < n; i++)
        window.segmently?.('track', event, { i, pad: 'x'.repeat(padBytes) });
    },
    [event, n, padBytes] as const,
  );
  await eventually(async () => (await queuedIds(page)).length === n);
  const ids = await queuedIds(page);
  expect(ids).toHaveLength(n);
  return ids;
};

/**
 * The tab goes to the background: visibilitychange with visibilityState "hidden" and no
 * pagehide. Headless Chromium keeps every page visible (switching tabs, minimising the
 * window and focus emulation were tried), so the page is told so the way the browser would.
 */
const hide = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });

/** messageId → stored rows, for the given ids. */
const storedCounts = async (ids: string[]) => {
  const rows = await shared.server.sql(
    `SELECT message_id, count(*) AS n FROM events WHERE message_id IN (SELECT value FROM json_each(?)) GROUP BY message_id`,
    [JSON.stringify(ids)],
  );
  return new Map(rows.map((r) => [String(r.message_id), Number(r.n)]));
};
/** Waits until every id is stored, then expects each exactly once and nothing else. */
const expectStoredOnce = async (ids: string[]) => {
  await eventually(async () => (await storedCounts(ids)).size === ids.length);
  const counts = await storedCounts(ids);
  expect([...counts.keys()].sort()).toEqual([...ids].sort());
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
};

describe('sending the queue as the page goes away, in Chromium', () => {
  it('hiding the page sends every queued event with sendBeacon', async () => {
    const context = await newContext(shared.browser);
    await recordExitSends(context);
    const page = await context.newPage();
    await page.goto(`${shared.server.url}${QUIET_PAGE}`);
    const ids = await trackQueued(page, 'HiddenTab', 10);
    expect(await exitSends(page)).toEqual([]);

    await hide(page);
    await expectStoredOnce(ids);
    const sends = await settledExitSends(page);
    expect(sends.map((s) => [s.via, s.ok])).toEqual([['beacon', true]]);
    expect(sends[0]?.ids?.sort()).toEqual([...ids].sort());
    await context.close();
  });

  it('a large queue leaves in bodies under the 64 KiB keepalive quota; the next page sends the rest', async () => {
    const context = await newContext(shared.browser);
    await recordExitSends(context);
    const page = await context.newPage();
    await page.goto(`${shared.server.url}${QUIET_PAGE}`);
    const ids = await trackQueued(page, 'BigQueue', 300, 1000);

    await hide(page);
    // Chromium allows 64 KiB of keepalive bodies in flight per page: what the first body
    // carries arrives from the hidden page alone.
    const sends = await settledExitSends(page);
    expect(sends.length).toBeGreaterThan(1);
    for (const s of sends) expect(s.bytes).toBeLessThanOrEqual(64 * 1024);
    const beaconed = sends.filter((s) => s.via === 'beacon').flatMap((s) => s.ids ?? []);
    expect(beaconed.sort()).toEqual([...ids].sort()); // each event in exactly one body
    const first = sends[0]?.ids ?? [];
    expect(sends[0]).toMatchObject({ via: 'beacon', ok: true });
    expect(sends[0]?.bytes).toBeGreaterThan(56 * 1024); // the quota is used, not wasted
    await eventually(async () => (await storedCounts(first)).size === first.length);
    expect((await storedCounts(ids)).size).toBeLessThan(ids.length); // the rest waits

    // Whatever did not fit stayed in IndexedDB: the site's next page sends it, once.
    await page.close();
    const next = await context.newPage();
    await next.goto(`${shared.server.url}/t/app?auto=0`);
    await expectStoredOnce(ids);
    await eventually(async () => (await queuedIds(next)).length === 0);
    expect(await queuedIds(next)).toEqual([]);
    await context.close();
  });

  it('when sendBeacon refuses, closing the tab still delivers through a keepalive fetch', async () => {
    const context = await newContext(shared.browser);
    await recordExitSends(context, true);
    const page = await context.newPage();
    await page.goto(`${shared.server.url}${QUIET_PAGE}`);
    const ids = await trackQueued(page, 'BeaconRefused', 10);

    // pagehide; with sendBeacon refusing and fetch present, only the keepalive fetch can
    // deliver before the minute's flush delay (the recorded sends die with the page).
    await page.close();
    await expectStoredOnce(ids);
    await context.close();
  });

  it('when sendBeacon refuses on hide, the keepalive fetch carries the same bodies', async () => {
    const context = await newContext(shared.browser);
    await recordExitSends(context, true);
    const page = await context.newPage();
    await page.goto(`${shared.server.url}${QUIET_PAGE}`);
    const ids = await trackQueued(page, 'BeaconRefusedHidden', 10);

    await hide(page);
    await expectStoredOnce(ids);
    const sends = await settledExitSends(page);
    expect(sends.map((s) => [s.via, s.ok])).toEqual([
      ['beacon', false],
      ['fetch', true],
    ]);
    expect(sends[1]?.ids?.sort()).toEqual([...ids].sort());
    await context.close();
  });
});
