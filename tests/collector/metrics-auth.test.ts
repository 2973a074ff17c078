import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../collector/env.js';
import { ADMIN_TOKEN, type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
afterEach(() => t.close());

describe('GET /metrics with METRICS_TOKEN', () => {
  const METRICS_TOKEN = 'metrics-token-0123456789';
  const get = (authorization?: string) =>
    t.app.request('/metrics', authorization ? { headers: { Authorization: authorization } } : {});

  it('requires the Bearer token when METRICS_TOKEN is set', async () => {
    t = await testCollector({ env: { METRICS_TOKEN } });
    for (const auth of [
      undefined,
      'Bearer wrong-token',
      `Basic ${METRICS_TOKEN}`,
      `Bearer ${ADMIN_TOKEN}`,
    ]) {
      const res = await get(auth);
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({
        error: { code: 'unauthorized', message: 'A valid metrics Bearer token is required' },
      });
    }
    const ok = await get(`Bearer ${METRICS_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# TYPE segmently_events_accepted_total counter');
  });

  it('stays open without METRICS_TOKEN, and refuses a too short one at start', async () => {
    t = await testCollector();
    expect((await get()).status).toBe(200);
    expect(() => parseEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });

  it('takes an empty METRICS_TOKEN= (and other empty optional variables) as unset', async () => {
    t = await testCollector({ env: { METRICS_TOKEN: '' } });
    expect((await get()).status).toBe(200);
    const env = parseEnv({
      METRICS_TOKEN: '',
      SEGMENTLY_ADMIN_TOKEN: '',
      PUBLIC_URL: '',
      DATABASE_AUTH_TOKEN: '',
    });
    expect(env).toMatchObject({
      METRICS_TOKEN: undefined,
      SEGMENTLY_ADMIN_TOKEN: undefined,
      PUBLIC_URL: undefined,
      DATABASE_AUTH_TOKEN: undefined,
    });
  });
});
