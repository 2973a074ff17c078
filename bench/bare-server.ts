// The baseline for bench/ingest.bench.ts: Hono on @hono/node-server that reads and parses
// the JSON body and answers like the collector, without auth, validation or storage.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/v1/batch', async (c) => {
  const body = JSON.parse(await c.req.text()) as { batch: unknown[] };
  return c.json({ accepted: body.batch.length, rejected: [] });
});
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening on http://127.0.0.1:${info.port}\n`);
});
