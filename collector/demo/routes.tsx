import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ensureDemoSource } from '../sources/demo-source.js';
import { productById, searchCatalog } from './catalog.js';
import {
  CartPage,
  CheckoutPage,
  Layout,
  PrivacyPage,
  ProductList,
  ProductPage,
  ThanksPage,
} from './pages.js';

const BREW_GUIDE = 'Bean & Burr brew guide\n\n18 g coffee, 36 g water, 28 seconds.\n';

const file = (name: string) => new URL(`./public/${name}`, import.meta.url);
const asset = (name: string) => readFileSync(file(name), 'utf8');

/** The demo shop: a small store using the script tag exactly as a site owner would. */
export function demoRoutes({ sources }: AppDeps) {
  const app = new Hono();
  const shopJs = asset('shop.js');
  const shopCss = asset('shop.css');
  const video = readFileSync(file('product-video.webm'));
  // Looked up per page, not kept: a rotated demo write key must reach the next page load.
  const demoWriteKey = async () => (await ensureDemoSource(sources)).source.writeKey;

  const page = async (title: string, body: Child) =>
    `<!doctype html>${(
      (
        <Layout title={title} writeKey={await demoWriteKey()}>
          {body}
        </Layout>
      )
    ).toString()}`;

  app.get('/', async (c) => c.html(await page('Shop', <ProductList />)));
  app.get('/search', async (c) => {
    const query = (c.req.query('q') ?? '').trim();
    return c.html(
      await page('Search', <ProductList products={searchCatalog(query)} query={query} />),
    );
  });
  app.get('/brew-guide.txt', (c) =>
    c.body(BREW_GUIDE, 200, { 'Content-Type': 'text/plain; charset=utf-8' }),
  );
  app.get('/product/:id', async (c) => {
    const product = productById(c.req.param('id'));
    if (!product) throw new ApiError(404, 'product_not_found', 'No such product');
    return c.html(await page(product.name, <ProductPage product={product} />));
  });
  app.get('/cart', async (c) => c.html(await page('Cart', <CartPage />)));
  app.get('/checkout', async (c) => c.html(await page('Checkout', <CheckoutPage />)));
  app.get('/thanks', async (c) => c.html(await page('Thank you', <ThanksPage />)));
  app.get('/privacy', async (c) => c.html(await page('Privacy', <PrivacyPage />)));
  app.get('/shop.js', (c) =>
    c.body(shopJs, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/product-video.webm', (c) =>
    c.body(video, 200, { 'Content-Type': 'video/webm', 'Cache-Control': 'public, max-age=3600' }),
  );
  app.get('/shop.css', (c) => c.body(shopCss, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  return app;
}
