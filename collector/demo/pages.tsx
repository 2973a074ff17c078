import type { Child } from 'hono/jsx';
import { CATALOG, CURRENCY, type Product } from './catalog.js';

const price = (p: number) => `€${p.toFixed(2)}`;

/** The documented no-JS pageview: one event, base64url JSON in `d` (see README). */
const noscriptPixel = (writeKey: string) =>
  `/v1/p.gif?d=${Buffer.from(JSON.stringify({ writeKey, type: 'page' })).toString('base64url')}`;

export function Layout(props: { title: string; writeKey: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Bean & Burr (Segmently demo)`}</title>
        <link rel="stylesheet" href="/demo/shop.css" />
        {/* The script tag exactly as a site owner pastes it. */}
        <script
          async
          src="/s.js"
          data-write-key={props.writeKey}
          data-policy-url="/demo/privacy"
          data-consent-hold="true"
        />
        {/* A marketing pixel as a site owner blocks it: it runs only once marketing is granted. */}
        <script
          type="text/plain"
          data-consent="marketing"
          dangerouslySetInnerHTML={{ __html: "window.demoMarketingPixel = 'loaded';" }}
        />
        <script defer src="/demo/shop.js" />
      </head>
      <body>
        <header>
          <a href="/demo" class="brand">
            Bean &amp; Burr
          </a>
          <a href="/demo/cart" id="cart-link">
            Cart (<span id="cart-count">0</span>)
          </a>
        </header>
        <noscript>
          <img src={noscriptPixel(props.writeKey)} width="1" height="1" alt="" />
        </noscript>
        <search>
          <form id="search" action="/demo/search">
            <input type="search" name="q" aria-label="Search the shop" placeholder="Search…" />
            <button type="submit">Search</button>
          </form>
        </search>
        <main>{props.children}</main>
        <footer>
          A demo shop instrumented with Segmently · <a href="/demo/privacy">Privacy</a> ·{' '}
          <button type="button" id="privacy-settings">
            Privacy settings
          </button>{' '}
          ·{' '}
          <a href="/demo/brew-guide.txt" id="download" download>
            Brew guide
          </a>{' '}
          ·{' '}
          <a href="mailto:hello@bean-burr.example" id="contact">
            Contact us
          </a>{' '}
          ·{' '}
          <a href="/demo?promo=deals" id="deals" data-segmently-utm>
            Deals for you
          </a>
        </footer>
      </body>
    </html>
  );
}

export function ProductList({
  products = CATALOG,
  query,
}: {
  products?: Product[];
  query?: string;
}) {
  return (
    <>
      <h1>{query === undefined ? 'Coffee gear' : `Results for “${query}”`}</h1>
      {query !== undefined && products.length === 0 && <p>Nothing matches.</p>}
      <ul class="grid" id="results" data-query={query}>
        {products.map((p) => (
          <li data-id={p.id} data-name={p.name} data-price={String(p.price)}>
            <a href={`/demo/product/${p.id}`} class="card">
              <span class="emoji">{p.emoji}</span>
              <strong>{p.name}</strong>
              <span>{price(p.price)}</span>
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

export function ProductPage({ product }: { product: Product }) {
  return (
    <article
      id="product"
      data-id={product.id}
      data-name={product.name}
      data-price={String(product.price)}
      data-currency={CURRENCY}
    >
      <span class="emoji big">{product.emoji}</span>
      <h1>{product.name}</h1>
      <p>{product.description}</p>
      <p class="price">{price(product.price)}</p>
      <button type="button" id="add-to-cart">
        Add to cart
      </button>{' '}
      <button type="button" id="add-to-wishlist">
        ♡ Wishlist
      </button>
      <p id="added" hidden>
        Added to your cart.
      </p>
      <p id="wished" hidden>
        Saved to your wishlist.
      </p>
      {product.video && <ProductVideo {...product.video} />}
    </article>
  );
}

/** A product video with like / comment / share: shop.js sends the content events. */
function ProductVideo(props: { contentId: string; title: string }) {
  return (
    <figure
      class="product-video"
      id="product-video"
      data-content-id={props.contentId}
      data-content-name={props.title}
    >
      <video src="/demo/product-video.webm" controls muted playsinline preload="metadata">
        <track kind="captions" />
      </video>
      <figcaption>{props.title}</figcaption>
      <div class="engage">
        <button type="button" id="like-video" aria-pressed="false">
          ♥ Like
        </button>
        <button type="button" id="share-video">
          Share
        </button>
        <span id="share-done" hidden>
          Link copied.
        </span>
      </div>
      <form id="comment-form" class="comment">
        <label>
          Comment <input name="comment" maxlength={500} required />
        </label>
        <button type="submit">Post comment</button>
      </form>
    </figure>
  );
}

export function CartPage() {
  return (
    <>
      <h1>Your cart</h1>
      <ul id="cart-items" />
      <p>
        Total: <strong id="cart-total">€0.00</strong>
      </p>
      <button type="button" id="checkout">
        Checkout
      </button>
    </>
  );
}

export function CheckoutPage() {
  return (
    <>
      <h1>Checkout</h1>
      <form id="checkout-form">
        <label>
          E-mail <input type="email" name="email" autocomplete="email" required />
        </label>
        <label>
          Card number <input name="card" inputmode="numeric" value="4242 4242 4242 4242" />
        </label>
        <p>
          Total: <strong id="cart-total">€0.00</strong>
        </p>
        <button type="submit" id="pay">
          Pay now
        </button>
      </form>
    </>
  );
}

export function ThanksPage() {
  return (
    <>
      <h1>Thank you!</h1>
      <p>
        Your order <strong id="order-id" /> is on its way.
      </p>
      <form id="register-form">
        <h2>Save your details for next time</h2>
        <label>
          Password <input type="password" name="password" autocomplete="new-password" required />
        </label>
        <button type="submit" id="register">
          Create account
        </button>
        <p id="registered" hidden>
          Account created.
        </p>
      </form>
      <form id="subscribe-form">
        <h2>Brewing tips, monthly</h2>
        <label>
          E-mail <input type="email" name="email" autocomplete="email" required />
        </label>
        <button type="submit" id="subscribe">
          Subscribe
        </button>
        <p id="subscribed" hidden>
          Subscribed.
        </p>
      </form>
      <a href="/demo">Keep shopping</a>
    </>
  );
}

export function PrivacyPage() {
  return (
    <>
      <h1>Privacy</h1>
      <p>
        Bean &amp; Burr measures visits with Segmently only after you agree. Marketing pixels run
        only with marketing consent. You can change your choice at any time with “Privacy settings”
        below.
      </p>
    </>
  );
}
