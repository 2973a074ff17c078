import { afterAll, beforeAll, expect, it } from 'vitest';
import { signIn } from './dashboard-session.js';
import { type TestCollector, testCollector, trackEvent } from './helpers.js';

let t: TestCollector;
let session = '';
beforeAll(async () => {
  t = await testCollector();
  ({ session } = await signIn(t));
  // Ids are stored as sent: " 42" and "42" are two visitors.
  const batch = [
    trackEvent({ anonymousId: ' 42', properties: { who: 'padded' } }),
    trackEvent({ anonymousId: '42', properties: { who: 'plain' } }),
  ];
  expect((await t.post('/v1/batch', { batch }, t.basic())).status).toBe(200);
  await t.deps.segmentEngine.idle();
});
afterAll(() => t?.close());

const profilePage = async (id: string, source = '') => {
  const query = new URLSearchParams({ id, ...(source ? { source } : {}) });
  const res = await t.app.request(`/app/profiles?${query}`, {
    headers: { Cookie: session },
  });
  return { status: res.status, html: await res.text() };
};

it('shows the visitor whose id has spaces at its ends, as the events table links it', async () => {
  const live = await t.app.request('/app/live', { headers: { Cookie: session } });
  expect(await live.text()).toContain(`href="/app/profiles?id=%2042&amp;source=${t.source.id}"`);
  const { status, html } = await profilePage(' 42');
  expect(status).toBe(200);
  expect(html).toContain('&quot;who&quot;:&quot;padded&quot;');
  expect(html).not.toContain('&quot;who&quot;:&quot;plain&quot;');
  expect(html).toContain('id="profile-segments"');
});

it('still finds an id typed or pasted with spaces around it', async () => {
  const { status, html } = await profilePage('  42\t');
  expect(status).toBe(200);
  expect(html).toContain('&quot;who&quot;:&quot;plain&quot;');
});

it('links a member or an event to the profile in its own source: user 7 of another site is someone else', async () => {
  const blog = await t.deps.sources.create({ name: 'Blog', allowedOrigins: [] });
  const visit = (plan: string) => [
    trackEvent({ type: 'identify', userId: '7', anonymousId: `a-${plan}`, traits: { plan } }),
    trackEvent({ userId: '7', anonymousId: `a-${plan}` }),
  ];
  await t.post('/v1/batch', { batch: visit('shop-plan') }, t.basic());
  await t.post('/v1/batch', { batch: visit('blog-plan') }, t.basic(blog.writeKey));
  await t.deps.segmentEngine.idle();

  const shopProfile = `/app/profiles?id=7&amp;source=${t.source.id}`;
  const live = await t.app.request('/app/live', { headers: { Cookie: session } });
  expect(await live.text()).toContain(`href="${shopProfile}"`);
  const members = await t.app.request(`/app/segments/new?source=${t.source.id}&q=7`, {
    headers: { Cookie: session },
  });
  expect(await members.text()).toContain(`href="${shopProfile}"`);

  const { html } = await profilePage(`7`, t.source.id);
  expect(html).toContain('shop-plan');
  expect(html).not.toContain('blog-plan');
});
