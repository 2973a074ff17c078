import { Hono } from 'hono';
import type { MeSegmentsResponse } from '../../shared/me-segments.js';

/**
 * Test pages on the collector's origin: the script tag as a site owner pastes it, with SDK
 * options from the query (`auto=0` no pageviews, `interval` flush delay in ms, `at` queued
 * events that start a send at once, `links=1` segment-tagged links), and a stand-in
 * `GET /v1/me/segments` answering `segments`.
 */
export function fixturePages(writeKey: () => string, segments: MeSegmentsResponse) {
  const segmentRequests: URL[] = [];
  const app = new Hono();
  app.get('/v1/me/segments', (c) => {
    segmentRequests.push(new URL(c.req.url));
    return c.json(segments);
  });
  app.get('/t/*', (c) => {
    const q = new URL(c.req.url).searchParams;
    // Opt-out mode: consent is granted without a banner, so the tests see delivery alone.
    const init = JSON.stringify({
      flushInterval: Number(q.get('interval') ?? 200),
      ...(q.get('at') ? { flushAt: Number(q.get('at')) } : {}),
      consent: { mode: 'opt-out', banner: false },
    });
    const links = q.get('links')
      ? `<a id="any" data-segmently-utm href="https://shop.example/sale">sale</a>
         <a id="vip" data-segmently-utm="vip" href="https://shop.example/vip?x=1">vip</a>`
      : '';
    return c.html(`<!doctype html><html><head><title>Fixture</title>
<script>window.segmently=function(){(segmently.q=segmently.q||[]).push(arguments)};segmently('init',${init})</script>
<script src="/s.js" data-write-key="${writeKey()}" data-auto-page="${q.get('auto') !== '0'}"></script>
</head><body><h1>Fixture</h1>${links}</body></html>`);
  });
  return { app, segmentRequests };
}
