import { createClient } from '@libsql/client';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { liveStream } from '../../collector/dashboard/live-stream.js';
import { formPost, signIn } from './dashboard-session.js';
import { testCollector, trackEvent } from './helpers.js';

describe('dashboard live stream', () => {
  it('ends the stream on a store failure and reports it through the given logger', async () => {
    const client = createClient({ url: ':memory:' });
    client.close();
    const logged: { msg: string; fields?: object }[] = [];
    const app = new Hono().get('/', (c) =>
      liveStream(c, client, {
        start: { seq: 0, failed: 0 },
        log: (msg, fields) => logged.push({ msg, fields }),
        signedIn: async () => true,
      }),
    );
    const body = await (await app.request('/')).text();
    expect(body).toContain('event: ready');
    expect(logged).toEqual([
      { msg: 'live stream failed', fields: { error: expect.stringContaining('CLIENT_CLOSED') } },
    ]);
  });
});

describe('dashboard live stream of a signed-in marketer', () => {
  it('ends once the session ends, before sending anything stored after the sign-out', async () => {
    const t = await testCollector();
    try {
      const { session, csrf } = await signIn(t);
      const res = await t.app.request('/app/live/stream', { headers: { Cookie: session } });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      expect(decoder.decode((await reader.read()).value)).toContain('event: ready');

      await t.app.request('/app/logout', formPost({ _csrf: csrf }, { Cookie: session }));
      expect((await t.post('/v1/batch', { batch: [trackEvent()] }, t.basic())).status).toBe(200);

      let rest = '';
      const deadline = Date.now() + 3000;
      for (;;) {
        const next = await Promise.race([
          reader.read(),
          new Promise<undefined>((r) => setTimeout(r, deadline - Date.now())),
        ]);
        if (!next) break;
        if (next.done) break;
        rest += decoder.decode(next.value);
      }
      expect(rest).not.toContain('event: event');
      expect(Date.now()).toBeLessThan(deadline);
      await reader.cancel();
    } finally {
      await t.close();
    }
  });
});
