import { createClient } from '@libsql/client';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { liveStream } from '../../collector/dashboard/live-stream.js';

describe('dashboard live stream', () => {
  it('ends the stream on a store failure and reports it through the given logger', async () => {
    const client = createClient({ url: ':memory:' });
    client.close();
    const logged: { msg: string; fields?: object }[] = [];
    const app = new Hono().get('/', (c) =>
      liveStream(c, client, {
        start: { seq: 0, failed: 0 },
        log: (msg, fields) => logged.push({ msg, fields }),
      }),
    );
    const body = await (await app.request('/')).text();
    expect(body).toContain('event: ready');
    expect(logged).toEqual([
      { msg: 'live stream failed', fields: { error: expect.stringContaining('CLIENT_CLOSED') } },
    ]);
  });
});
