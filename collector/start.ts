import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';
import { openDatabase } from './db/client.js';
import type { AppDeps } from './deps.js';
import { createDropCounter } from './drops/counter.js';
import type { Env } from './env.js';
import { createWriter } from './ingest/writer.js';
import type { Logger } from './log.js';
import { createMetrics } from './metrics/registry.js';
import { createSourceStore } from './sources/store.js';

export const DEFAULT_SDK_DIR = fileURLToPath(new URL('../dist', import.meta.url));

export interface StartOptions {
  env: Env;
  log: Logger;
  sdkDir?: string;
  now?: () => number;
}

/** Opens (and migrates) the database and wires the app's dependencies; used by main and tests. */
export async function buildCollector({
  env,
  log,
  sdkDir = DEFAULT_SDK_DIR,
  now = Date.now,
}: StartOptions) {
  const database = await openDatabase(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
  const writer = createWriter(database.client);
  const generatedToken = env.SEGMENTLY_ADMIN_TOKEN
    ? undefined
    : `sgm_admin_${randomBytes(24).toString('base64url')}`;
  const deps: AppDeps = {
    database,
    sources: createSourceStore(database.db),
    writer,
    adminToken: env.SEGMENTLY_ADMIN_TOKEN ?? (generatedToken as string),
    sdkDir,
    log,
    metrics: createMetrics(),
    drops: createDropCounter(database.client, now),
    now,
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    generatedToken,
    async close() {
      await writer.close();
      await deps.drops.flush();
      database.close();
    },
  };
}
