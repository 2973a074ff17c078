// Main-thread cost of segmently.track() in real Chromium, next to a no-op baseline (the
// snippet's stub, which only remembers the call) and a peer-style localStorage queue
// (JSON.stringify + setItem per event). The page is cross-origin isolated so
// performance.now() has 5 µs resolution; each sample times a block of calls.
import { Hono } from 'hono';
import { launchChromium, newContext, startCollector } from '../tests/e2e/harness.js';

const BLOCK = 20;
const SAMPLES = Number(process.env.SAMPLES ?? 400);

const fixtures = new Hono();
let writeKey = '';
fixtures.get('/bench', (c) => {
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Cross-Origin-Embedder-Policy', 'require-corp');
  // Opt-out mode: consent granted without a banner, so track() takes its full path.
  return c.html(`<!doctype html><title>bench</title>
<script src="/s.js" data-write-key="${writeKey}" data-auto-page="false"
  data-consent-mode="opt-out" data-consent-banner="false"></script>`);
});

const server = await startCollector({ fixtures });
writeKey = server.demo.writeKey;
const browser = await launchChromium();
try {
  const context = await newContext(browser);
  // tsx compiles this file with keepNames: functions passed to the page call __name().
  await context.addInitScript('globalThis.__name = (f) => f');
  const page = await context.newPage();
  await page.goto(`${server.url}/bench`);
  const result = await page.evaluate(
    async ([block, samples]) => {
      if (!crossOriginIsolated) throw new Error('bench page is not cross-origin isolated');
      const sg = window.segmently as unknown as { consent: { get(): { analytics?: boolean } } };
      if (!sg.consent.get().analytics) throw new Error('analytics consent not granted');
      const props = {
        content_type: 'product',
        contents: [{ content_id: 'sku-1', content_name: 'Mug', quantity: 1, price: 16 }],
        value: 16,
        currency: 'EUR',
      };
      const stubQueue: unknown[] = [];
      const candidates: Record<string, (i: number) => void> = {
        'no-op (snippet stub)': (i) => stubQueue.push(['track', 'AddToCart', props, i]),
        'localStorage queue (peer style)': (i) =>
          localStorage.setItem(`q${i}`, JSON.stringify({ event: 'AddToCart', props, i })),
        'segmently.track': () => window.segmently?.('track', 'AddToCart', props),
      };
      const times: Record<string, number[]> = {};
      for (const name of Object.keys(candidates)) times[name] = [];
      for (let s = -20; s < samples; s++) {
        // Interleave candidates so page state (GC, IndexedDB commits, flushes) hits all alike.
        for (const [name, fn] of Object.entries(candidates)) {
          const t0 = performance.now();
          for (let i = 0; i < block; i++) fn(s * block + i);
          const per = (performance.now() - t0) / block;
          if (s >= 0) times[name]?.push(per);
        }
        if (s % 5 === 0) await new Promise((r) => setTimeout(r, 0)); // let async work run
      }
      localStorage.clear();
      return times;
    },
    [BLOCK, SAMPLES] as const,
  );

  const quantile = (xs: number[], q: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
  };
  const stats = Object.entries(result).map(([name, xs]) => ({
    name,
    median: quantile(xs, 0.5) * 1000,
    p95: quantile(xs, 0.95) * 1000,
  }));
  const [noop, peer] = stats as [(typeof stats)[number], (typeof stats)[number]];
  // Timer resolution is 5 µs per block: a no-op block reads as 0, so floor it at one tick.
  const tick = 5 / BLOCK;
  const ratio = (a: number, b: number) => `${(a / Math.max(b, tick)).toFixed(1)}×`;
  console.log(`main-thread cost per call, µs (${SAMPLES} samples × ${BLOCK} calls, Chromium)`);
  for (const s of stats) {
    console.log(
      `${s.name.padEnd(32)} median ${s.median.toFixed(2).padStart(6)}  p95 ${s.p95.toFixed(2).padStart(6)}` +
        `  vs no-op ${ratio(s.median, noop.median)} / ${ratio(s.p95, noop.p95)}` +
        `  vs localStorage queue ${ratio(s.median, peer.median)} / ${ratio(s.p95, peer.p95)}`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
