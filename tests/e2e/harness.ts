import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { parseEnv } from '../../collector/env.js';
import { silentLogger } from '../../collector/log.js';
import { ensureDemoSource } from '../../collector/sources/demo-source.js';
import { buildCollector, DEFAULT_SDK_DIR } from '../../collector/start.js';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** A desktop user agent: HeadlessChrome is rightly treated as a bot by the collector. */
export const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

/**
 * A real collector on a libsql file, listening on a free loopback port. `fixtures` routes
 * (test pages, stand-in endpoints) are served on the same origin and answer first.
 */
export async function startCollector(options: { now?: () => number; fixtures?: Hono } = {}) {
  const { fixtures, ...collectorOptions } = options;
  if (!existsSync(join(DEFAULT_SDK_DIR, 'segmently.js')))
    throw new Error('dist/ is missing: run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'segmently-e2e-'));
  const env = parseEnv({
    NODE_ENV: 'test',
    DATABASE_URL: `file:${join(dir, 'e2e.db')}`,
    SEGMENTLY_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  // The server's threads (ingest writer, segment engine) unless the test moves the clock.
  const realClock = collectorOptions.now === undefined;
  const collector = await buildCollector({
    env,
    log: silentLogger,
    writeThread: realClock,
    engineThread: realClock,
    ...collectorOptions,
  });
  const { source: demo } = await ensureDemoSource(collector.deps.sources);
  let fetch = collector.app.fetch;
  if (fixtures) {
    const root = new Hono().route('/', fixtures);
    root.all('*', (c) => collector.app.fetch(c.req.raw, c.env));
    fetch = root.fetch;
  }
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sql = async (query: string, args: (string | number)[] = []) =>
    (await collector.deps.database.client.execute({ sql: query, args })).rows;
  return {
    url,
    collector,
    demo,
    sql,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await collector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type E2eCollector = Awaited<ReturnType<typeof startCollector>>;

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function newContext(
  browser: Browser,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<BrowserContext> {
  return browser.newContext({ userAgent: DESKTOP_UA, ...options });
}

/** Polls until `fn` returns a truthy value (events arrive asynchronously from the page). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One collector and one browser for a whole test file, closed after it. */
export function collectorAndBrowser(options: Parameters<typeof startCollector>[0] = {}) {
  const shared = {} as { server: E2eCollector; browser: Browser };
  beforeAll(async () => {
    [shared.server, shared.browser] = await Promise.all([
      startCollector(options),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await shared.browser?.close();
    await shared.server?.close();
  });
  return shared;
}
