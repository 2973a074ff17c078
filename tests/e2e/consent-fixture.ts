import type { BrowserContext, Page } from 'playwright-core';
import type { E2eCollector } from './harness.js';

export interface FixtureOptions {
  /** Extra attributes on the SDK's script tag, e.g. `data-consent-mode="opt-out"`. */
  attrs?: string;
  /** Markup placed before the SDK's script tag (a CMP stub, `segmently('init', …)`). */
  before?: string;
  lang?: string;
}

/**
 * A shop page on the collector's origin with stubbed TikTok/Meta pixels that record their
 * calls, gtag's usual snippet after the SDK, and consent-blocked scripts (inline and data-src).
 */
export function fixtureHtml(server: E2eCollector, o: FixtureOptions = {}): string {
  return `<!doctype html><html lang="${o.lang ?? 'en'}"><head><meta charset="utf-8"><title>Shop</title>
<script>
  window.calls = []; window.ran = [];
  window.ttq = { holdConsent: () => calls.push('ttq.hold'), grantConsent: () => calls.push('ttq.grant'),
    revokeConsent: () => calls.push('ttq.revoke') };
  window.fbq = (...args) => calls.push('fbq.' + args.join('.'));
  window.segmently = function () { (window.segmently.q = window.segmently.q || []).push(arguments); };
</script>
${o.before ?? ''}
<script src="/s.js" data-write-key="${server.demo.writeKey}" data-policy-url="/privacy" ${o.attrs ?? ''}></script>
<script>
  window.dataLayer = window.dataLayer || []; function gtag(){ dataLayer.push(arguments); }
  gtag('js', new Date()); gtag('config', 'G-TEST');
</script>
<script type="text/plain" data-consent="marketing">ran.push('marketing-inline')</script>
<script type="text/plain" data-consent="analytics" data-src="/fixture/analytics.js"></script>
</head><body><h1>Shop</h1><p>Content that must not move.</p><a href="#top">Top</a></body></html>`;
}

/** Serves the fixture at `/fixture` and records every path the page requests. */
export async function openFixture(
  context: BrowserContext,
  server: E2eCollector,
  o: FixtureOptions = {},
) {
  await context.route(`${server.url}/fixture/analytics.js`, (route) =>
    route.fulfill({ contentType: 'text/javascript', body: "ran.push('analytics-src')" }),
  );
  await context.route(`${server.url}/fixture`, (route) =>
    route.fulfill({ contentType: 'text/html', body: fixtureHtml(server, o) }),
  );
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await page.goto(`${server.url}/fixture`);
  return { page, requests };
}

/** What the SDK left in the browser: cookies, localStorage, queued events in IndexedDB. */
export async function browserState(page: Page) {
  const cookies = await page.context().cookies();
  const state = await page.evaluate(async () => {
    const local = Object.fromEntries(Object.entries(localStorage));
    const databases = (await indexedDB.databases()).map((d) => d.name);
    let queued = 0;
    if (databases.includes('segmently')) {
      queued = await new Promise<number>((resolve) => {
        const open = indexedDB.open('segmently');
        open.onsuccess = () => {
          const count = open.result.transaction('kv').objectStore('kv').count();
          count.onsuccess = () => resolve(count.result);
        };
      });
    }
    return { local, databases, queued };
  });
  return { cookies, ...state };
}

export const collectorPosts = (requests: string[]) =>
  requests.filter((r) => r.startsWith('POST /v1/'));
