import { serve } from '@hono/node-server';
import { parseEnv } from './env.js';
import { jsonLogger } from './log.js';
import { ensureDemoSource } from './sources/demo-source.js';
import { buildCollector } from './start.js';

const env = parseEnv();
if (env.NODE_ENV === 'production' && !env.SEGMENTLY_ADMIN_TOKEN) {
  throw new Error('SEGMENTLY_ADMIN_TOKEN must be set in production');
}
const collector = await buildCollector({ env, log: jsonLogger });
const { source: demo, created } = await ensureDemoSource(collector.deps.sources);

const server = serve({ fetch: collector.app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
  const base = env.PUBLIC_URL ?? `http://localhost:${info.port}`;
  const lines = [
    `Segmently collector listening on ${base}`,
    `  Demo shop:      ${base}/demo`,
    `  Database:       ${env.DATABASE_URL}`,
    `  Demo write key: ${demo.writeKey}${created ? ' (new source "Demo shop")' : ''}`,
    collector.generatedToken
      ? `  Admin token:    ${collector.generatedToken} (generated for this run; set SEGMENTLY_ADMIN_TOKEN to keep one)`
      : '  Admin token:    from SEGMENTLY_ADMIN_TOKEN',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  jsonLogger('shutting down', { signal });
  // Stop accepting connections, then commit what was already accepted, then close the file.
  server.close();
  await collector.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
