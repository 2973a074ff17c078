import { afterAll, beforeAll, expect, it } from 'vitest';
import { signIn } from './dashboard-session.js';
import { type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
let session = '';
beforeAll(async () => {
  t = await testCollector();
  await t.deps.sources.create({ name: 'Blog', allowedOrigins: [] });
  ({ session } = await signIn(t));
});
afterAll(() => t?.close());

const options = async (path: string) => {
  const page = await (await t.app.request(path, { headers: { Cookie: session } })).text();
  const picker = /<select name="segment">(.*?)<\/select>/s.exec(page)?.[1] ?? '';
  return [...picker.matchAll(/<option value="[^"]+"[^>]*>([^<]*)</g)].map((m) => m[1]);
};

it('names the source of each segment offered for all sources, so like-named ones differ', async () => {
  const all = await options('/app/content');
  expect(all).toContain('Segment: New (Test)');
  expect(all).toContain('Segment: New (Blog)');
  expect(new Set(all).size).toBe(all.length);
  expect(await options(`/app/content?source=${t.source.id}`)).toContain('Segment: New');
});
