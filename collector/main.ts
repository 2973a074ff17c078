import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { parseEnv } from './env.js';
import { errorBody, stackOf } from './errors.js';
import { jsonLogger } from './log.js';
import { ensureDemoSource } from './sources/demo-source.js';
import { buildCollector } from './start.js';

// Whatever ends the process unplanned (a wrong setting at start, an error nothing caught) is
// logged like everything else, as one JSON line, not as a bare stack trace.
process.on('uncaughtException', (err) => {
  jsonLogger('crashed', { error: stackOf(err) });
  process.exit(1);
});

const env = parseEnv();
if (env.NODE_ENV === 'production' && !env.SEGMENTLY_ADMIN_TOKEN) {
  throw new Error('SEGMENTLY_ADMIN_TOKEN must be set in production');
}
const collector = await buildCollector({
  env,
  log: jsonLogger,
  writeThread: true,
  engineThread: true,
});
const { source: demo, created } = await ensureDemoSource(collector.deps.sources);

let stopping = false;
const SHUTTING_DOWN = JSON.stringify(errorBody('shutting_down', 'The collector is restarting'));
/** Once a shutdown began, requests on open keep-alive connections are refused and closed. */
const fetch: typeof collector.app.fetch = (req, ...rest) =>
  stopping
    ? new Response(SHUTTING_DOWN, {
        status: 503,
        headers: { 'Content-Type': 'application/json', 'Retry-After': '5', Connection: 'close' },
      })
    : collector.app.fetch(req, ...rest);

const server = serve({ fetch, port: env.PORT, hostname: env.HOST }, (info) => {
  const base = env.PUBLIC_URL ?? `http://localhost:${info.port}`;
  const lines = [
    `Segmently collector listening on ${base}`,
    `  Demo shop:      ${base}/demo`,
    `  Dashboard:      ${base}/app`,
    `  Database:       ${env.DATABASE_URL}`,
    `  Demo write key: ${demo.writeKey}${created ? ' (new source "Demo shop")' : ''}`,
    collector.generatedToken
      ? `  Admin token:    ${collector.generatedToken} (generated for this run; set SEGMENTLY_ADMIN_TOKEN to keep one)`
      : '  Admin token:    from SEGMENTLY_ADMIN_TOKEN',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});

/** Requests in flight get this long to be answered, at most half of the shutdown's time. */
const GRACE_MS = Math.min(10_000, (env.SHUTDOWN_TIMEOUT_SECONDS * 1000) / 2);

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  jsonLogger('shutting down', { signal });
  // A step that does not end (a commit stuck on the disk, a slow webhook receiver) must not
  // keep the process up until something kills it without a word.
  setTimeout(() => {
    jsonLogger('shutdown timed out', { signal, seconds: env.SHUTDOWN_TIMEOUT_SECONDS });
    process.exit(1);
  }, env.SHUTDOWN_TIMEOUT_SECONDS * 1000);
  // Stop accepting, let requests in flight finish (their rows commit before they answer),
  // then flush whatever is left and close the database file.
  const http = server as Server;
  const drained = new Promise((resolve) => http.close(resolve));
  // Keep-alive connections turn idle once their request is answered: close them as they do.
  const closeIdle = setInterval(() => http.closeIdleConnections(), 50);
  await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, GRACE_MS).unref())]);
  clearInterval(closeIdle);
  http.closeAllConnections();
  try {
    await collector.close();
  } catch (err) {
    jsonLogger('shutdown failed', { signal, error: stackOf(err) });
    process.exit(1);
  }
  jsonLogger('stopped', { signal });
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
