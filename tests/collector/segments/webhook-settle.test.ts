import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CANCELLED_BECAUSE, createWebhookSender } from '../../../collector/segments/webhooks.js';
import { DAY, HOUR, segmentCollector } from './scenario-helpers.js';

type S = Awaited<ReturnType<typeof segmentCollector>>;
let s: S;
afterEach(() => s?.t.close());

const send = (method: string, path: string, value?: unknown) =>
  s.t.admin(path, { method, body: value === undefined ? undefined : JSON.stringify(value) });
const bigSpenders = (key: string, webhookUrl: string) => ({
  key,
  name: key,
  rule: { type: 'performed', event: 'Purchase', within: '30d' },
  webhookUrl,
});
const purchase = (anonymousId: string) =>
  s.send(s.event({ event: 'Purchase', at: s.now() - HOUR, anonymousId }));
const log = async (key = 'big-spenders') =>
  (await (await s.t.admin(`/api/v1/segments/${key}/webhooks`)).json()).deliveries;
const deliveries = () =>
  s.t.rows('SELECT segment_id, profile_id, status FROM webhook_deliveries ORDER BY id');

describe('webhook deliveries that can no longer be sent are settled', () => {
  it('removing the URL cancels the pending ones (kept in the log, pruned by retention) and queues no more', async () => {
    s = await segmentCollector();
    await send('POST', '/api/v1/segments', bigSpenders('big-spenders', 'https://hooks.example/x'));
    await purchase('rich');
    expect(await log()).toMatchObject([{ profileId: 'a:rich', status: 'pending', attempts: 0 }]);

    expect(
      (await send('PATCH', '/api/v1/segments/big-spenders', { webhookUrl: null })).status,
    ).toBe(200);
    expect(await log()).toMatchObject([
      {
        profileId: 'a:rich',
        status: 'cancelled',
        attempts: 0,
        lastError: CANCELLED_BECAUSE.removed,
        nextAttemptAt: null,
      },
    ]);
    await purchase('richer');
    expect(await s.members('big-spenders')).toEqual(['a:rich', 'a:richer']);
    expect(await deliveries()).toHaveLength(1); // the engine knows the URL is gone
    expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(0);

    s.advance(396 * DAY); // past the source's 395 days
    await s.t.runRetention();
    expect(await deliveries()).toEqual([]);
  });

  it('changing the URL cancels what was pending for the old one; later flips go to the new one', async () => {
    s = await segmentCollector(undefined, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(String(req.url));
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await send('POST', '/api/v1/segments', bigSpenders('big-spenders', `${base}/old`));
      await purchase('rich');
      const patch = { webhookUrl: `${base}/new` };
      expect((await send('PATCH', '/api/v1/segments/big-spenders', patch)).status).toBe(200);
      await purchase('richer');

      expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(1);
      expect(paths).toEqual(['/new']);
      expect(await log()).toMatchObject([
        { profileId: 'a:richer', status: 'delivered', attempts: 1 },
        { profileId: 'a:rich', status: 'cancelled', lastError: CANCELLED_BECAUSE.changed },
      ]);
    } finally {
      server.close();
    }
  });

  it('deleting the segment deletes its deliveries', async () => {
    s = await segmentCollector();
    await send('POST', '/api/v1/segments', bigSpenders('big-spenders', 'https://hooks.example/x'));
    await purchase('rich');
    expect(await deliveries()).toHaveLength(1);
    expect((await send('DELETE', '/api/v1/segments/big-spenders')).status).toBe(204);
    expect(await deliveries()).toEqual([]);
  });

  it('the sender cancels a due one whose segment lost its URL and deletes one whose segment is gone', async () => {
    s = await segmentCollector();
    await send('POST', '/api/v1/segments', bigSpenders('no-url', 'https://hooks.example/a'));
    await send('POST', '/api/v1/segments', bigSpenders('gone', 'https://hooks.example/b'));
    await purchase('rich');
    const [noUrl] = await s.t.rows(`SELECT id FROM segments WHERE key = 'no-url'`);
    expect(await deliveries()).toHaveLength(2);
    // What a flip evaluated with the old URL, and a stop before the engine cleaned up, leave.
    await s.t.rows(`UPDATE segments SET webhook_url = NULL WHERE key = 'no-url'`);
    await s.t.rows(`DELETE FROM segments WHERE key = 'gone'`);

    expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(2);
    expect(await deliveries()).toEqual([
      expect.objectContaining({ segment_id: noUrl?.id, status: 'cancelled' }),
    ]);
    expect(await log('no-url')).toMatchObject([{ lastError: CANCELLED_BECAUSE.removed }]);
    expect(await s.t.deps.segmentEngine.deliverWebhooks()).toBe(0);
  });

  it('a delivery erased (DELETE /api/v1/profiles/:id) while its pass waits on another is not sent', async () => {
    s = await segmentCollector(undefined, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    const sent: string[] = [];
    let answerFirst = () => {};
    let firstArrived = (_profileId: string) => {};
    const arrived = new Promise<string>((r) => {
      firstArrived = r;
    });
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const { profileId } = JSON.parse(body);
        sent.push(profileId);
        if (sent.length > 1) return void res.end();
        // The first waits: the pass has read the others due with it.
        answerFirst = () => res.end();
        firstArrived(profileId);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await send('POST', '/api/v1/segments', bigSpenders('big-spenders', `${base}/hook`));
      await purchase('ada');
      await purchase('bob');
      const pass = s.t.deps.segmentEngine.deliverWebhooks();
      const first = await arrived;
      const other = first === 'a:ada' ? 'bob' : 'ada';
      expect((await send('DELETE', `/api/v1/profiles/${other}`)).status).toBe(200);
      answerFirst();
      await pass;
      expect(sent).toEqual([first]);
    } finally {
      server.close();
    }
  });
});

describe('webhook failure logs', () => {
  it('name the receiver by its origin, not by a URL that may carry its secret', async () => {
    s = await segmentCollector(undefined, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    const server = createServer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const url = `${origin}/hooks/s3cret-path?token=s3cret-token`;
      await send('POST', '/api/v1/segments', bigSpenders('big-spenders', url));
      await purchase('rich');
      const lines: { msg: string; fields?: object }[] = [];
      const sender = createWebhookSender({
        client: s.t.deps.database.client,
        now: s.now,
        log: (msg, fields) => lines.push({ msg, fields }),
        allowPrivate: true,
      });
      expect(await sender.deliverDue()).toBe(1);
      expect(lines).toMatchObject([{ msg: 'webhook delivery pending', fields: { url: origin } }]);
      expect(JSON.stringify(lines)).not.toContain('s3cret');
    } finally {
      server.close();
    }
  });
});
