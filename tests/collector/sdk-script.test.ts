import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { handleError } from '../../collector/errors.js';
import { sdkScriptRoutes } from '../../collector/http/sdk-script.js';

describe('GET /s.js', () => {
  const dir = mkdtempSync(join(tmpdir(), 'segmently-sdk-'));
  writeFileSync(join(dir, 'segmently.js'), 'console.log("sdk")');
  writeFileSync(join(dir, 'banner-abc123.js'), 'console.log("banner")');
  const app = new Hono()
    .onError((e, c) => handleError(e, c, () => {}))
    .route('/', sdkScriptRoutes(dir));

  it('serves the SDK with short caching and an ETag', async () => {
    const res = await app.request('/s.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('javascript');
    expect(res.headers.get('Cache-Control')).toMatch(/max-age=300/);
    expect(await res.text()).toBe('console.log("sdk")');
    const again = await app.request('/s.js', {
      headers: { 'If-None-Match': res.headers.get('ETag') ?? '' },
    });
    expect(again.status).toBe(304);
  });

  it('serves hashed chunks as immutable and 404s unknown ones', async () => {
    const res = await app.request('/s/banner-abc123.js');
    expect(res.headers.get('Cache-Control')).toContain('immutable');
    expect((await app.request('/s/missing.js')).status).toBe(404);
    expect((await app.request('/s/..%2Fsecret.js')).status).toBe(404);
  });
});
