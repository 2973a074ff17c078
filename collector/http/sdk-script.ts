import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { ApiError } from '../errors.js';

interface Asset {
  body: string;
  etag: string;
}

/**
 * Serves the built SDK: `/s.js` (the script tag's URL, so cached briefly and revalidated
 * by ETag) and its lazily loaded chunks under `/s/` (content-hashed names: cached for good).
 */
export function sdkScriptRoutes(sdkDir: string) {
  const cache = new Map<string, Asset>();
  async function load(file: string): Promise<Asset> {
    let asset = cache.get(file);
    if (!asset) {
      const body = await readFile(join(sdkDir, file), 'utf8').catch(() => {
        throw new ApiError(404, 'not_found', `${file} is not built: run npm run build`);
      });
      asset = {
        body,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
      };
      cache.set(file, asset);
    }
    return asset;
  }

  const app = new Hono();
  const serve = (file: string, cacheControl: string) => async (c: import('hono').Context) => {
    const asset = await load(file);
    c.header('Cache-Control', cacheControl);
    c.header('ETag', asset.etag);
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    if (c.req.header('If-None-Match') === asset.etag) return c.body(null, 304);
    return c.body(asset.body, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  };
  app.get('/s.js', serve('segmently.js', 'public, max-age=300, stale-while-revalidate=86400'));
  app.get('/s/:file{[\\w.-]+\\.js}', (c) =>
    serve(c.req.param('file'), 'public, max-age=31536000, immutable')(c),
  );
  return app;
}
