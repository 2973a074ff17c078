import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addProductToCart, checkOut } from './demo-shop-steps.js';
import { collectorAndBrowser, eventually, newContext } from './harness.js';

const shared = collectorAndBrowser();

const parse = (v: unknown) => JSON.parse(String(v));

describe('demo shop in Chromium', () => {
  it('sends pageviews and the purchase funnel, stored with the right fields', async () => {
    const context = await newContext(shared.browser);
    const page = await context.newPage();
    await page.goto(`${shared.server.url}/demo`);
    await page.click('role=button[name="Accept all"]');
    expect(await page.evaluate('window.demoMarketingPixel')).toBe('loaded');
    await page.click('a[href="/demo/product/sku-grinder"]');
    await addProductToCart(page);
    await checkOut(page, 'ada@example.com');

    const rows = await eventually(async () => {
      const r = await shared.server.sql("SELECT * FROM events WHERE event = 'Purchase'");
      return r.length ? shared.server.sql('SELECT * FROM events ORDER BY timestamp') : undefined;
    });
    expect(rows).toBeDefined();
    const all = rows ?? [];
    const names = all.map((r) => `${r.type}:${r.event ?? ''}`);
    for (const expected of [
      'track:ViewContent',
      'track:AddToCart',
      'track:InitiateCheckout',
      'track:Purchase',
    ]) {
      expect(names).toContain(expected);
    }
    expect(names.filter((n) => n.startsWith('page:')).length).toBeGreaterThanOrEqual(4);

    const anonymousIds = new Set(all.map((r) => r.anonymous_id));
    expect(anonymousIds.size).toBe(1);
    for (const r of all) {
      expect(r.source_id).toBe(shared.server.demo.id);
      expect(String(r.message_id)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(parse(r.context).library).toMatchObject({ name: 'segmently.js' });
      expect(Math.abs(Number(r.timestamp) - Number(r.received_at))).toBeLessThan(60_000);
    }

    const addToCart = all.find((r) => r.event === 'AddToCart');
    const purchase = all.find((r) => r.event === 'Purchase');
    expect(parse(addToCart?.properties)).toMatchObject({
      cart_id: expect.stringMatching(/^cart_/),
      currency: 'EUR',
      value: 89,
    });
    expect(parse(purchase?.properties)).toMatchObject({
      cart_id: parse(addToCart?.properties).cart_id,
      value: 89,
      currency: 'EUR',
      contents: [
        { content_id: 'sku-grinder', content_name: 'Hand grinder', quantity: 1, price: 89 },
      ],
    });
    expect(parse(all.find((r) => r.type === 'page')?.context).page).toMatchObject({
      path: '/demo',
    });
    await context.close();
  });

  it('exercises the rest of the vocabulary: search, wishlist, payment, identify, sign-up', async () => {
    const context = await newContext(shared.browser);
    const page = await context.newPage();
    await page.goto(`${shared.server.url}/demo`);
    await page.click('role=button[name="Accept all"]');
    await page.fill('#search input[name=q]', 'mug');
    await page.click('#search button');
    await page.waitForURL('**/demo/search?q=mug');
    await page.click('#results a');
    await page.click('#add-to-wishlist');
    await page.click('#add-to-cart');
    await page.click('#download');
    await page.goto(`${shared.server.url}/demo/checkout`);
    await page.fill('input[name=card]', '4000 0000 0000 0002');
    await page.fill('input[name=email]', ' Grace@Example.com');
    await page.click('#pay');
    await page.waitForURL('**/demo/thanks**');
    await page.fill('#register-form input[name=password]', 'correct horse');
    await page.click('#register');
    await page.fill('#subscribe-form input[name=email]', 'grace@example.com');
    await page.click('#subscribe');
    const anon = await page.evaluate(
      () => (window.segmently as { anonymousId: string }).anonymousId,
    );

    const rows = await eventually(async () => {
      const r = await shared.server.sql(
        'SELECT * FROM events WHERE anonymous_id = ? ORDER BY timestamp',
        [anon],
      );
      return r.some((e) => e.event === 'Subscribe') ? r : undefined;
    });
    const byName = (n: string) => rows?.find((r) => r.event === n);
    for (const name of [
      'Search',
      'ViewContent',
      'AddToWishlist',
      'AddToCart',
      'Download',
      'AddPaymentInfo',
      'Purchase',
      'CompleteRegistration',
      'Subscribe',
    ])
      expect(byName(name), name).toBeDefined();
    expect(parse(byName('Search')?.properties)).toMatchObject({
      original_event: 'Products Searched',
      query: 'mug',
      contents: [{ content_id: 'sku-mug', content_name: 'Stoneware mug', price: 16 }],
    });
    const identifies = rows?.filter((r) => r.type === 'identify') ?? [];
    expect(identifies).toHaveLength(2);
    const gracesHash = createHash('sha256').update('grace@example.com').digest('hex');
    for (const r of identifies) expect(parse(r.traits).email_sha256).toBe(gracesHash);
    const stored = JSON.stringify(await shared.server.sql('SELECT * FROM events'));
    expect(stored).not.toMatch(/grace@example/i);
    await context.close();
  });

  it('counts a no-JS visit through the documented <noscript> pixel', async () => {
    const context = await newContext(shared.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${shared.server.url}/demo/product/sku-mug`);
    const rows = await eventually(async () => {
      const r = await shared.server.sql(
        "SELECT context FROM events WHERE type = 'page' AND context ->> '$.page.path' = ?",
        ['/demo/product/sku-mug'],
      );
      return r.find((e) => !parse(e.context).library);
    });
    expect(parse(rows?.context).page.url).toBe(`${shared.server.url}/demo/product/sku-mug`);
    await context.close();
  });
});
