import { describe, expect, it } from 'vitest';
import { cartAbandonersRule } from '../../collector/segments/templates.js';
import { addProductToCart, checkOut } from './demo-shop-steps.js';
import { ADMIN_TOKEN, collectorAndBrowser, eventually, newContext } from './harness.js';

const shared = collectorAndBrowser();

const api = async (path: string, init: RequestInit = {}) =>
  fetch(`${shared.server.url}/api/v1${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
  });
const members = async (): Promise<string[]> => {
  const res = await api(`/segments/cart-abandoners/members?sourceId=${shared.server.demo.id}`);
  return (await res.json()).members.map((m: { profileId: string }) => m.profileId);
};

describe('cart abandoners in Chromium', () => {
  it('an abandoned cart enters the segment after the wait window; purchasing removes it', async () => {
    const patched = await api(`/segments/cart-abandoners?sourceId=${shared.server.demo.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ rule: cartAbandonersRule('2s') }),
    });
    expect(patched.status).toBe(200);

    const context = await newContext(shared.browser);
    const page = await context.newPage();
    await page.goto(`${shared.server.url}/demo/product/sku-grinder`);
    await page.click('role=button[name="Accept all"]');
    await addProductToCart(page);
    await page.goto(`${shared.server.url}/demo`);

    const entered = await eventually(async () => {
      const m = await members();
      return m.length ? m : undefined;
    });
    expect(entered).toHaveLength(1);
    const rows = await shared.server.sql(
      "SELECT anonymous_id FROM events WHERE event = 'AddToCart'",
    );
    expect(entered?.[0]).toBe(`a:${rows[0]?.anonymous_id}`);

    await checkOut(page, 'ada@example.com');

    const left = await eventually(async () => (await members()).length === 0);
    expect(left).toBe(true);
    const history = await shared.server.sql(
      `SELECT m.exit_reason FROM segment_memberships m JOIN segments s ON s.id = m.segment_id
       WHERE s.key = 'cart-abandoners'`,
    );
    expect(history.map((r) => r.exit_reason)).toEqual(['rule']);
    await context.close();
  });
});
