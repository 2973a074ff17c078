import { once } from 'node:events';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD_ADMIN_TOKEN, type Child, exitCode, startChild } from './child-collector.js';

const dir = mkdtempSync(join(tmpdir(), 'segmently-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A webhook receiver that answers 200 `holdMs` after each request arrived. */
async function slowReceiver(holdMs: number) {
  let arrived: () => void = () => {};
  const first = new Promise<void>((r) => (arrived = r));
  const server: Server = createServer((req, res) => {
    req.resume();
    arrived();
    setTimeout(() => res.end('ok'), holdMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, first, close: () => server.close() };
}

const track = (child: Child, event: Record<string, unknown>) =>
  fetch(`${child.url}/v1/track`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${child.writeKey}:`).toString('base64')}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ type: 'track', ...event }),
  });

/** A segment with a webhook to `webhookUrl`, and a visitor entering it: a delivery is due. */
async function enterSegmentWithWebhook(child: Child, webhookUrl: string) {
  const admin = {
    Authorization: `Bearer ${CHILD_ADMIN_TOKEN}`,
    'Content-Type': 'application/json',
  };
  const created = await fetch(`${child.url}/api/v1/segments`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({
      key: 'buyers',
      name: 'Buyers',
      rule: { type: 'performed', event: 'Purchase', within: '30d' },
      webhookUrl,
    }),
  });
  expect(created.status).toBe(201);
  const sent = await track(child, { event: 'Purchase', anonymousId: 'buyer', messageId: 'p1' });
  expect(sent.status).toBe(200);
}

async function deliveries(url: string) {
  const client = createClient({ url });
  const { rows } = await client.execute('SELECT status, attempts FROM webhook_deliveries');
  client.close();
  return rows.map((r) => ({ status: r.status, attempts: Number(r.attempts) }));
}

describe('graceful shutdown (collector as a child process)', { timeout: 60_000 }, () => {
  it('on SIGTERM lets a webhook delivery in flight finish and records it', async () => {
    const url = `file:${join(dir, 'webhook.db')}`;
    const child = await startChild(url, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    const receiver = await slowReceiver(1_000);
    try {
      await enterSegmentWithWebhook(child, receiver.url);
      await receiver.first;
      const exited = exitCode(child);
      child.proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      // Not left pending: the receiver answered, and a restart would have sent it again.
      expect(await deliveries(url)).toEqual([{ status: 'delivered', attempts: 1 }]);
    } finally {
      receiver.close();
    }
  });

  it('gives up after SHUTDOWN_TIMEOUT_SECONDS: logs it and exits 1', async () => {
    const url = `file:${join(dir, 'deadline.db')}`;
    const child = await startChild(url, {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      SHUTDOWN_TIMEOUT_SECONDS: '1',
    });
    const receiver = await slowReceiver(4_000);
    try {
      await enterSegmentWithWebhook(child, receiver.url);
      await receiver.first;
      const exited = exitCode(child);
      const started = Date.now();
      child.proc.kill('SIGTERM');
      expect(await exited).toBe(1);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(child.output()).toContain('"msg":"shutdown timed out"');
    } finally {
      receiver.close();
    }
  });

  it('logs a step that fails as one JSON line and exits 1', async () => {
    const url = `file:${join(dir, 'locked.db')}`;
    const child = await startChild(url);
    // Another process holds the database's write lock past the busy timeout, while a
    // dropped bot event's count waits to be written at shutdown.
    const other = createClient({ url });
    const locked = await other.transaction('write');
    try {
      await locked.execute('UPDATE sources SET name = name');
      const sent = await track(child, {
        event: 'Crawl',
        anonymousId: 'bot',
        messageId: 'b1',
        context: { userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
      });
      expect(sent.status).toBe(200);
      const exited = exitCode(child);
      child.proc.kill('SIGTERM');
      expect(await exited).toBe(1);
    } finally {
      await locked.rollback();
      other.close();
    }
    const logs = child
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logs.at(-1)).toContain('"msg":"shutdown failed"');
    expect(logs.at(-1)).toContain('SQLITE_BUSY');
    const afterStart = child.output().slice(child.output().indexOf('{'));
    for (const line of afterStart.trimEnd().split('\n'))
      expect(() => JSON.parse(line)).not.toThrow();
  });

  it('on SIGTERM moves the WAL into the database file: a copy of the file alone has the last writes', async () => {
    const path = join(dir, 'wal.db');
    const child = await startChild(`file:${path}`);
    // A bot's event: its drop count is written during the shutdown, after the last commit.
    const sent = await track(child, {
      event: 'Crawl',
      anonymousId: 'bot',
      context: { userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
    });
    expect(sent.status).toBe(200);
    const exited = exitCode(child);
    child.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0).toBe(0);
    // What a backup of the stopped collector's database file holds.
    const copy = join(dir, 'wal-copy.db');
    copyFileSync(path, copy);
    const client = createClient({ url: `file:${copy}` });
    const { rows } = await client.execute('SELECT reason, count FROM event_drops');
    client.close();
    expect(rows.map((r) => [r.reason, r.count])).toEqual([['bot', 1]]);
  });
});
