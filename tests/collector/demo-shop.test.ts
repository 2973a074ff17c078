import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoSource } from '../../collector/sources/demo-source.js';
import { type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
beforeAll(async () => {
  t = await testCollector();
});
afterAll(() => t?.close());

describe('demo shop pages', () => {
  it('embed the demo source write key, and the new one after a rotation', async () => {
    const { source } = await ensureDemoSource(t.deps.sources);
    const page = async () => (await t.app.request('/demo')).text();
    expect(await page()).toContain(`data-write-key="${source.writeKey}"`);
    const rotated = await (
      await t.admin(`/api/v1/sources/${source.id}/rotate-key`, { method: 'POST' })
    ).json();
    expect(rotated.writeKey).not.toBe(source.writeKey);
    const after = await page();
    expect(after).toContain(`data-write-key="${rotated.writeKey}"`);
    expect(after).not.toContain(source.writeKey);
  });
});
