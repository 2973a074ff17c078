import type { Page } from 'playwright-core';

/** On a demo product page: adds it to the cart and waits for the shop's confirmation. */
export async function addProductToCart(page: Page) {
  await page.click('#add-to-cart');
  await page.waitForSelector('#added:not([hidden])');
}

/** From any demo page with a cart: cart → checkout → pay with `email` → thank-you page. */
export async function checkOut(page: Page, email: string) {
  await page.click('#cart-link');
  await page.click('#checkout');
  await page.waitForURL('**/demo/checkout');
  await page.fill('input[name=email]', email);
  await page.click('#pay');
  await page.waitForURL('**/demo/thanks**');
}
