// The demo shop's own script: a cart in localStorage and Segmently calls where a real shop
// would make them. It uses only the public `segmently(...)` API, so it works before the SDK
// has loaded (calls queue in the stub) as well as after.
(() => {
  window.segmently =
    window.segmently ||
    function () {
      window.segmently.q = window.segmently.q || [];
      // biome-ignore lint/complexity/noArguments: the stub keeps the call as it was made
      window.segmently.q.push(arguments);
    };
  const sg = (...args) => window.segmently(...args);
  const money = (n) => `€${n.toFixed(2)}`;
  const CURRENCY = 'EUR';

  const loadCart = () => {
    try {
      const cart = JSON.parse(localStorage.getItem('demo_cart'));
      if (cart?.id) return cart;
    } catch {}
    return { id: `cart_${Math.random().toString(36).slice(2, 10)}`, items: [] };
  };
  const saveCart = (cart) => localStorage.setItem('demo_cart', JSON.stringify(cart));
  const total = (cart) => cart.items.reduce((s, i) => s + i.price * i.quantity, 0);
  const contents = (cart) =>
    cart.items.map((i) => ({
      content_id: i.id,
      content_name: i.name,
      quantity: i.quantity,
      price: i.price,
    }));

  const cart = loadCart();
  const render = () => {
    document.getElementById('cart-count').textContent = String(
      cart.items.reduce((s, i) => s + i.quantity, 0),
    );
    const totalEl = document.getElementById('cart-total');
    if (totalEl) totalEl.textContent = money(total(cart));
    const list = document.getElementById('cart-items');
    if (list) {
      list.replaceChildren(
        ...cart.items.map((i) => {
          const li = document.createElement('li');
          li.textContent = `${i.quantity} × ${i.name} — ${money(i.price * i.quantity)}`;
          return li;
        }),
      );
    }
  };
  render();

  const product = document.getElementById('product');
  if (product) {
    const item = {
      id: product.dataset.id,
      name: product.dataset.name,
      price: Number(product.dataset.price),
    };
    const one = { content_id: item.id, content_name: item.name, quantity: 1, price: item.price };
    sg('track', 'ViewContent', {
      content_type: 'product',
      contents: [one],
      value: item.price,
      currency: CURRENCY,
    });
    document.getElementById('add-to-cart').addEventListener('click', () => {
      const line = cart.items.find((i) => i.id === item.id);
      if (line) line.quantity++;
      else cart.items.push({ ...item, quantity: 1 });
      saveCart(cart);
      render();
      document.getElementById('added').hidden = false;
      sg('track', 'AddToCart', {
        cart_id: cart.id,
        content_type: 'product',
        contents: [one],
        value: item.price,
        currency: CURRENCY,
      });
    });
    document.getElementById('add-to-wishlist').addEventListener('click', () => {
      document.getElementById('wished').hidden = false;
      sg('track', 'AddToWishlist', {
        content_type: 'product',
        contents: [one],
        value: item.price,
        currency: CURRENCY,
      });
    });
  }

  // Search results, sent with Segment's spec name: the SDK maps it to TikTok's `Search`
  // (products → contents) and keeps `original_event: 'Products Searched'`.
  const results = document.getElementById('results');
  if (results?.dataset.query !== undefined) {
    sg('track', 'Products Searched', {
      query: results.dataset.query,
      products: [...results.querySelectorAll('li')].map((li) => ({
        product_id: li.dataset.id,
        name: li.dataset.name,
        price: Number(li.dataset.price),
      })),
    });
  }

  document
    .getElementById('download')
    ?.addEventListener('click', () => sg('track', 'Download', { description: 'Brew guide' }));
  document
    .getElementById('contact')
    ?.addEventListener('click', () => sg('track', 'Contact', { method: 'email' }));

  document.getElementById('checkout')?.addEventListener('click', () => {
    if (cart.items.length === 0) return;
    sg('track', 'InitiateCheckout', {
      cart_id: cart.id,
      contents: contents(cart),
      value: total(cart),
      currency: CURRENCY,
    });
    location.href = '/demo/checkout';
  });

  const checkoutForm = document.getElementById('checkout-form');
  let paymentEntered = false;
  checkoutForm?.elements.card.addEventListener('change', () => {
    if (paymentEntered) return;
    paymentEntered = true;
    sg('track', 'AddPaymentInfo', {
      cart_id: cart.id,
      contents: contents(cart),
      value: total(cart),
      currency: CURRENCY,
    });
  });
  checkoutForm?.addEventListener('submit', async (e) => {
    e.preventDefault();
    // The e-mail leaves the browser only as its SHA-256 (identify hashes email and phone).
    sg('identify', undefined, { email: checkoutForm.elements.email.value });
    const orderId = `order_${Date.now().toString(36)}`;
    sg('track', 'Purchase', {
      order_id: orderId,
      cart_id: cart.id,
      content_type: 'product',
      contents: contents(cart),
      value: total(cart),
      currency: CURRENCY,
    });
    localStorage.removeItem('demo_cart');
    location.href = `/demo/thanks?order=${encodeURIComponent(orderId)}`;
  });

  document.getElementById('privacy-settings').addEventListener('click', () => sg('consent.show'));

  // Product video: the content/video engagement vocabulary (see README, shared/content-events.ts).
  const figure = document.getElementById('product-video');
  if (figure) {
    const video = figure.querySelector('video');
    const content = {
      content_id: figure.dataset.contentId,
      content_name: figure.dataset.contentName,
      content_type: 'product_video',
    };
    const MILESTONES = [25, 50, 75];
    let passed = new Set();
    let started = false;
    let watched = 0; // seconds played since the last Video* event
    let last = 0;
    const send = (event, extra = {}) => {
      sg('track', event, {
        ...content,
        position: Math.round(video.currentTime * 10) / 10,
        duration: Number.isFinite(video.duration) ? video.duration : undefined,
        ...extra,
      });
    };
    const flushWatched = () => {
      const seconds = Math.round(watched * 10) / 10;
      watched = 0;
      return { watched_seconds: seconds };
    };
    video.addEventListener('play', () => {
      last = video.currentTime;
      if (started) return;
      started = true;
      passed = new Set();
      send('VideoStart');
    });
    video.addEventListener('timeupdate', () => {
      const delta = video.currentTime - last;
      last = video.currentTime;
      if (delta > 0 && delta < 2) watched += delta; // a jump is a seek, not watching
      const percent = (video.currentTime / video.duration) * 100;
      for (const m of MILESTONES) {
        if (percent >= m && !passed.has(m)) {
          passed.add(m);
          send('VideoProgress', { percent: m, ...flushWatched() });
        }
      }
    });
    video.addEventListener('pause', () => {
      if (!video.ended && watched > 0) send('VideoPause', flushWatched());
    });
    video.addEventListener('ended', () => {
      send('VideoComplete', flushWatched());
      started = false; // a replay is a new view
    });
    addEventListener('pagehide', () => {
      if (watched >= 0.5) send('VideoPause', flushWatched());
    });

    const like = document.getElementById('like-video');
    like.addEventListener('click', () => {
      if (like.getAttribute('aria-pressed') === 'true') return;
      like.setAttribute('aria-pressed', 'true');
      sg('track', 'ContentLike', content);
    });
    document.getElementById('share-video').addEventListener('click', () => {
      navigator.clipboard?.writeText(location.href).catch(() => {});
      document.getElementById('share-done').hidden = false;
      sg('track', 'ContentShare', { ...content, method: 'copy_link' });
    });
    document.getElementById('comment-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const input = e.target.elements.comment;
      // The comment's length only: its text stays in the shop.
      sg('track', 'ContentComment', { ...content, comment_length: input.value.length });
      input.value = '';
    });
  }

  const orderEl = document.getElementById('order-id');
  if (orderEl) orderEl.textContent = new URLSearchParams(location.search).get('order') || '';

  const done = (form, id) => {
    form.querySelector('button').disabled = true;
    document.getElementById(id).hidden = false;
  };
  const registerForm = document.getElementById('register-form');
  registerForm?.addEventListener('submit', (e) => {
    e.preventDefault();
    sg('track', 'CompleteRegistration', { method: 'password' });
    done(registerForm, 'registered');
  });
  const subscribeForm = document.getElementById('subscribe-form');
  subscribeForm?.addEventListener('submit', (e) => {
    e.preventDefault();
    sg('identify', undefined, { email: subscribeForm.elements.email.value, newsletter: true });
    sg('track', 'Subscribe', { content_name: 'Brewing tips' });
    done(subscribeForm, 'subscribed');
  });
})();
