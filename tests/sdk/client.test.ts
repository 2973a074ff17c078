import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SegmentlyOptions } from '../../sdk/api-types.js';
import { createSegmently } from '../../sdk/client.js';
import '../../sdk/event-check-chunk.js'; // the debug chunk, as if already fetched
import { setDebug } from '../../sdk/log.js';
import { memoryStorage } from '../../sdk/storage.js';
import type { WireEvent } from '../../shared/wire.js';

const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) =>
  Response.json({ accepted: 1, rejected: [] }),
);
const sent = () =>
  fetchMock.mock.calls
    .filter(([url]) => url.endsWith('/v1/batch'))
    .flatMap(([, init]) => JSON.parse(String(init?.body)).batch as WireEvent[]);

function client(autoPage = false) {
  return createSegmently({
    writeKey: 'wk',
    apiHost: 'https://c.example/',
    autoPage,
    storage: memoryStorage(),
    flushInterval: 60_000,
    consent: { mode: 'opt-out', banner: false }, // granted: these tests are about delivery
  });
}

beforeEach(() => {
  vi.stubGlobal('fetch', fetchMock);
  localStorage.clear();
  history.replaceState(null, '', '/');
});
afterEach(() => {
  fetchMock.mockClear();
  vi.unstubAllGlobals();
  setDebug(false);
});

describe('createSegmently', () => {
  it('stamps ids, session, page and library on every event; options override', async () => {
    const sg = client();
    sg.track('AddToCart', { value: 5, currency: 'EUR' });
    sg.track('Custom', {}, { messageId: 'my-id', timestamp: '2026-01-01T00:00:00.000Z' });
    await sg.flush();
    const [a, b] = sent();
    expect(a).toMatchObject({
      type: 'track',
      event: 'AddToCart',
      anonymousId: sg.anonymousId,
      context: {
        library: { name: 'segmently.js' },
        page: { path: '/' },
        session: { id: expect.any(String), start: expect.any(String) },
      },
    });
    expect(b).toMatchObject({ messageId: 'my-id', timestamp: '2026-01-01T00:00:00.000Z' });
    expect(b?.context?.session?.id).toBe(a?.context?.session?.id);
  });

  it('sends Segment spec names as the standard name, keeping the original', async () => {
    const sg = client();
    sg.track('Order Completed', { order_id: 'o1', revenue: 9, currency: 'EUR' });
    await sg.flush();
    expect(sent()[0]).toMatchObject({
      event: 'Purchase',
      properties: { original_event: 'Order Completed', value: 9 },
    });
  });

  it('warns about malformed standard events in debug mode only', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const sg = client();
    sg.track('Purchase', { value: 'ten' } as never);
    expect(warn).not.toHaveBeenCalled();
    sg.debug(true);
    sg.track('Purchase', { value: 'ten' } as never);
    expect(String(warn.mock.calls[0]?.[1])).toContain('value: number');
    await sg.flush();
    expect(sent()).toHaveLength(2); // warned, never dropped
    warn.mockRestore();
  });

  it('identify hashes e-mail and phone before anything is queued; raw PII never leaves', async () => {
    const sg = client();
    sg.identify('u1', { email: ' Ada@Example.com', phone: '+1 213 373 4253', plan: 'pro' });
    sg.track('After');
    await vi.waitFor(async () => {
      await sg.flush();
      expect(
        sent()
          .map((e) => e.type)
          .sort(),
      ).toEqual(['identify', 'track']);
    });
    const identify = sent().find((e) => e.type === 'identify');
    const after = sent().find((e) => e.type === 'track');
    expect(String(identify?.timestamp) <= String(after?.timestamp)).toBe(true);
    const body = fetchMock.mock.calls.map(([, init]) => String(init?.body)).join();
    expect(body).not.toMatch(/ada@example|2133734253/i);
    expect(identify?.traits).toEqual({
      plan: 'pro',
      email_sha256: createHash('sha256').update('ada@example.com').digest('hex'),
      phone_sha256: createHash('sha256').update('12133734253').digest('hex'),
    });
    expect(identify?.userId).toBe('u1');
    expect(after?.userId).toBe('u1');
  });

  it("identify(traits) (Segment's form) sets traits only, hashed; the user id stays unset", async () => {
    const sg = client();
    sg.identify({ email: 'ada@example.com', plan: 'pro' });
    sg.track('After');
    await vi.waitFor(async () => {
      await sg.flush();
      expect(sent()).toHaveLength(2);
    });
    const body = fetchMock.mock.calls.map(([, init]) => String(init?.body)).join();
    expect(body).not.toContain('ada@example.com');
    expect(sent().find((e) => e.type === 'identify')?.traits).toEqual({
      plan: 'pro',
      email_sha256: createHash('sha256').update('ada@example.com').digest('hex'),
    });
    expect(sent().find((e) => e.event === 'After')?.userId).toBeUndefined();
    expect(sg.userId).toBeUndefined();
    expect(localStorage.getItem('sgm.uid')).toBeNull();
  });

  it('keeps a numeric user id as a string', async () => {
    const sg = client();
    sg.identify(42);
    sg.track('After');
    await sg.flush();
    expect(sent().map((e) => e.userId)).toEqual(['42', '42']);
    expect(client().userId).toBe('42'); // next page load
  });

  it('alias links ids, reset starts a new anonymous identity, both persist', async () => {
    const sg = client();
    const first = sg.anonymousId;
    sg.alias('u2');
    expect(sg.userId).toBe('u2');
    expect(client().userId).toBe('u2'); // next page load
    sg.reset();
    expect(sg.userId).toBeUndefined();
    expect(sg.anonymousId).not.toBe(first);
    expect(client().anonymousId).toBe(sg.anonymousId);
    await sg.flush();
    expect(sent()[0]).toMatchObject({ type: 'alias', previousId: first, userId: 'u2' });
  });

  it('reset also ends the session and forgets the campaign touches (shared devices)', async () => {
    history.replaceState(null, '', '/landing?utm_source=tiktok&ttclid=T1');
    const sg = client();
    sg.identify('u1');
    sg.track('A');
    sg.reset();
    sg.track('B');
    await sg.flush();
    const [a, b] = ['A', 'B'].map((name) => sent().find((e) => e.event === name));
    expect(a?.context?.campaign).toEqual({ source: 'tiktok', ttclid: 'T1' });
    expect(b?.context?.session?.id).toBeDefined();
    expect(b?.context?.session?.id).not.toBe(a?.context?.session?.id);
    expect(b?.context).not.toHaveProperty('campaign');
    expect(b?.context).not.toHaveProperty('firstCampaign');
    expect(localStorage.getItem('sgm.cf')).toBeNull();
    expect(localStorage.getItem('sgm.cl')).toBeNull();
  });

  it('sends a pageview on load and on pushState, replaceState, back and hash changes', async () => {
    history.replaceState(null, '', '/start?utm_source=tiktok&ttclid=T1');
    const sg = client(true);
    history.pushState(null, '', '/products');
    history.replaceState({ scrolled: 1 }, ''); // same URL: not a navigation
    history.replaceState(null, '', '/products?page=2');
    location.hash = '#reviews';
    await vi.waitFor(() => expect(location.hash).toBe('#reviews'));
    await new Promise((r) => setTimeout(r, 0));
    await sg.flush();
    const pages = sent().filter((e) => e.type === 'page');
    expect(pages.map((e) => `${e.context?.page?.path}${e.properties?.search ?? ''}`)).toEqual([
      '/start?utm_source=tiktok&ttclid=T1',
      '/products',
      '/products?page=2',
      '/products?page=2',
    ]);
    expect(pages[1]?.context?.page?.referrer).toContain('/start?utm_source=tiktok');
    for (const p of pages) expect(p.context?.campaign).toEqual({ source: 'tiktok', ttclid: 'T1' });
  });

  it("a pageview that fails on an SPA navigation stays out of the app's router", () => {
    client(true);
    const failing = vi.spyOn(crypto, 'getRandomValues').mockImplementation(() => {
      throw new Error('SDK bug');
    });
    try {
      expect(() => history.pushState(null, '', '/next')).not.toThrow();
      expect(() => history.replaceState(null, '', '/other')).not.toThrow();
      expect(location.pathname).toBe('/other');
    } finally {
      failing.mockRestore();
    }
  });

  it('never throws into the page, whatever it is given', () => {
    const sg = client();
    const bad = sg as unknown as Record<string, (...a: unknown[]) => unknown>;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const call of [
      () => bad.track?.(undefined, null),
      () => bad.identify?.({}, 'x'),
      () => bad.page?.(1, 2, 3),
      () =>
        bad.ready?.(() => {
          throw new Error('host bug');
        }),
      () => sg.utm.tag('http://[bad'),
      () => bad.group?.(),
      () => sg.track('Circular', { circular }),
      () => sg.track('Big', { n: 1n as unknown as number }),
      () => sg.consent.on('change', undefined as never),
      () =>
        sg.consent.on('change', () => {
          throw new Error('host listener bug');
        }),
      () => sg.consent.acceptAll(),
    ])
      expect(call).not.toThrow();
  });

  it('drops an event that is not JSON instead of queueing it, and later events still go out', async () => {
    const sg = client();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    sg.track('Circular', { circular });
    sg.track('Fine');
    await sg.flush();
    expect(sent().map((e) => e.event)).toEqual(['Fine']);
  });

  it('records a consent decision although a listener of the page throws', async () => {
    const sg = client();
    sg.consent.on('change', () => {
      throw new Error('host listener bug');
    });
    sg.consent.rejectAll();
    const posts = fetchMock.mock.calls.filter(([url]) => url.endsWith('/v1/consent'));
    expect(posts).toHaveLength(1);
  });
});

describe('first-party state follows analytics consent', () => {
  it('stays in memory before a decision, is stored on grant, deleted on withdrawal', async () => {
    history.replaceState(null, '', '/landing?utm_source=tiktok&ttclid=T1');
    const sg = createSegmently({
      writeKey: 'wk',
      apiHost: 'https://c.example',
      storage: memoryStorage(),
      consent: { banner: false },
    });
    sg.identify('u1');
    sg.track('Before');
    const sgmKeys = () => Object.keys(localStorage).filter((k) => k.startsWith('sgm'));
    expect(sgmKeys()).toEqual([]);

    sg.consent.set({ analytics: true });
    expect(sgmKeys().sort()).toEqual(
      expect.arrayContaining(['sgm.cf', 'sgm.cl', 'sgm.ses', 'sgm.uid', 'sgm_aid', 'sgm_consent']),
    );
    expect(JSON.parse(localStorage.getItem('sgm.cl') as string)).toEqual({
      source: 'tiktok',
      ttclid: 'T1',
    });

    sg.consent.set({ analytics: false });
    expect(sgmKeys()).toEqual(['sgm_consent']);
    await sg.flush();
    expect(sent().map((e) => e.event ?? e.type)).not.toContain('Before');
  });

  /** A visitor who accepted everything on the banner (not the opt-out default). */
  const acceptedClient = () => {
    const sg = createSegmently({
      writeKey: 'wk',
      apiHost: 'https://c.example',
      autoPage: false,
      storage: memoryStorage(),
      flushInterval: 60_000,
      consent: { banner: false },
    });
    sg.consent.acceptAll();
    return sg;
  };

  it('follows a decision made in another tab of the site', async () => {
    const sg = acceptedClient();
    // The other tab withdraws: it stores its decision, this tab hears of it.
    const stored = JSON.parse(localStorage.getItem('sgm_consent') as string);
    const withdrawal = {
      ...stored,
      categories: { ...stored.categories, analytics: false },
      source: 'withdrawal',
    };
    localStorage.setItem('sgm_consent', JSON.stringify(withdrawal));
    dispatchEvent(new StorageEvent('storage', { key: 'sgm_consent' }));
    expect(sg.consent.get().analytics).toBe(false);
    sg.track('AfterWithdrawal');
    await sg.flush();
    expect(sent().map((e) => e.event)).not.toContain('AfterWithdrawal');
    expect(Object.keys(localStorage).filter((k) => k.startsWith('sgm.'))).toEqual([]);
  });

  it('applies decisions although vendor code on the page throws (fbq, a dataLayer that is no array)', () => {
    const w = window as unknown as { fbq?: unknown; dataLayer?: unknown };
    w.fbq = () => {
      throw 1;
    };
    w.dataLayer = {};
    try {
      let sg: ReturnType<typeof createSegmently> | undefined;
      expect(() => {
        sg = createSegmently({
          writeKey: 'wk',
          apiHost: 'https://c.example',
          autoPage: false,
          consent: { banner: false },
        });
      }).not.toThrow();
      expect(() => sg?.consent.acceptAll()).not.toThrow();
      expect(localStorage.getItem('sgm_aid')).toBe(sg?.anonymousId);
      expect(() => sg?.consent.rejectAll()).not.toThrow();
      expect(localStorage.getItem('sgm_aid')).toBeNull();
    } finally {
      delete w.fbq;
      delete w.dataLayer;
    }
  });

  it('keeps the user id across consent changes where localStorage throws', () => {
    const sg = acceptedClient();
    const get = vi.spyOn(localStorage, 'getItem').mockImplementation(() => {
      throw new Error('blocked');
    });
    try {
      sg.identify('u1');
      sg.consent.set({ marketing: false });
      expect(sg.userId).toBe('u1');
    } finally {
      get.mockRestore();
    }
  });

  it('shares neither anonymous id nor session across a withdrawal of analytics', async () => {
    const sg = acceptedClient();
    sg.track('Analytics');
    await sg.flush();
    sg.consent.set({ analytics: false });
    sg.track('Ad', {}, { category: 'marketing' });
    await sg.flush();
    const [before, after] = ['Analytics', 'Ad'].map((name) => sent().find((e) => e.event === name));
    expect(after?.anonymousId).not.toBe(before?.anonymousId);
    expect(after?.context?.session?.id).toBeDefined();
    expect(after?.context?.session?.id).not.toBe(before?.context?.session?.id);
  });
});

describe('the queue before a consent decision', () => {
  it('is not read (IndexedDB not opened) by flush() or going online', async () => {
    const storage = memoryStorage();
    const entries = vi.spyOn(storage, 'entries');
    const sg = createSegmently({
      writeKey: 'wk',
      apiHost: 'https://c.example',
      autoPage: false,
      storage,
      consent: { banner: false },
    });
    sg.track('Undecided');
    dispatchEvent(new Event('online'));
    await sg.flush();
    expect(entries).not.toHaveBeenCalled();
  });

  it('keeps what an earlier grant queued while the decision is awaited, sending necessary events', async () => {
    const storage = memoryStorage();
    const page = () =>
      createSegmently({
        writeKey: 'wk',
        apiHost: 'https://c.example',
        autoPage: false,
        storage,
        flushInterval: 60_000,
        consent: { banner: false, hold: true },
      });
    const earlier = page();
    earlier.consent.acceptAll();
    fetchMock.mockRejectedValueOnce(new TypeError('offline'));
    earlier.track('Offline');
    await earlier.flush();
    fetchMock.mockClear(); // nothing arrived

    localStorage.removeItem('sgm_consent'); // expired: the next page waits for a new decision
    const sg = page();
    sg.track('Login failed', {}, { category: 'necessary' });
    await sg.flush();
    expect(sent().map((e) => e.event)).toEqual(['Login failed']);
    sg.consent.acceptAll();
    await sg.flush();
    expect(sent().map((e) => e.event)).toContain('Offline');
  });
});

describe('per-event consent category', () => {
  const withConsent = (consent: SegmentlyOptions['consent'], storage = memoryStorage()) =>
    createSegmently({
      writeKey: 'wk',
      apiHost: 'https://c.example',
      autoPage: false,
      storage,
      flushInterval: 60_000,
      consent: { banner: false, ...consent },
    });
  const names = () => sent().map((e) => e.event ?? e.type);

  it('collects an event only while its category is granted, and stamps the category', async () => {
    const sg = withConsent({});
    sg.consent.set({ analytics: true, marketing: false });
    sg.track('Plain');
    sg.track('Ad', {}, { category: 'marketing' });
    sg.page('Offer', {}, { category: 'marketing' });
    sg.identify('u1', { plan: 'pro' }, { category: 'marketing' });
    await sg.flush();
    expect(names()).toEqual(['Plain']);
    expect(sent()[0]?.context?.consent).not.toHaveProperty('category');

    sg.consent.set({ marketing: true });
    sg.track('Ad', {}, { category: 'marketing' });
    sg.page('Offer', {}, { category: 'marketing' });
    await sg.flush();
    expect(names()).toEqual(['Plain', 'Ad', 'page']);
    for (const e of sent().slice(1))
      expect(e.context?.consent).toMatchObject({
        category: 'marketing',
        categoryPreferences: { analytics: true, marketing: true },
      });
    expect(sg.dropped).toBe(0); // a denial is the visitor's choice, not a drop
  });

  it('analytics denied does not stop a granted category; necessary needs no decision', async () => {
    const sg = withConsent({});
    sg.track('BeforeDecision');
    sg.track('Login failed', {}, { category: 'necessary' });
    sg.consent.set({ analytics: false, functional: true });
    sg.track('Plain');
    sg.track('Chat opened', {}, { category: 'functional' });
    await sg.flush();
    expect(names()).toEqual(['Login failed', 'Chat opened']);
  });

  it('drops and counts an unknown category, never throwing; held events keep theirs', async () => {
    const sg = withConsent({ hold: true });
    sg.track('Held', {}, { category: 'marketing' });
    sg.track('HeldPlain');
    const track = sg.track as (...a: unknown[]) => void;
    expect(() => track('Typo', {}, { category: 'marketting' })).not.toThrow();
    expect(() => track('Odd', {}, { category: 7 })).not.toThrow();
    expect(sg.dropped).toBe(2);
    sg.consent.set({ analytics: true });
    await sg.flush();
    expect(names()).toEqual(['HeldPlain']);
  });

  it('withdrawing a category purges its queued events and keeps the others', async () => {
    const storage = memoryStorage();
    const sg = withConsent({}, storage);
    sg.consent.acceptAll();
    sg.track('Plain');
    sg.track('Ad', {}, { category: 'marketing' });
    await vi.waitFor(async () => expect(await storage.entries('q:')).toHaveLength(2));
    sg.consent.set({ marketing: false });
    await vi.waitFor(async () => expect(await storage.entries('q:')).toHaveLength(1));
    await sg.flush();
    expect(names()).toEqual(['Plain']);
  });
});

describe('the anonymous id across the first analytics grant', () => {
  const optIn = (hold = false) =>
    createSegmently({
      writeKey: 'wk',
      apiHost: 'https://c.example',
      autoPage: false,
      storage: memoryStorage(),
      flushInterval: 60_000,
      consent: { banner: false, hold },
    });
  const byName = (name: string) => sent().find((e) => (e.event ?? e.type) === name) as WireEvent;
  const stored = () => localStorage.getItem('sgm_aid');

  it('stores a fresh id (and session) when a necessary event already went out with the in-memory one', async () => {
    const sg = optIn(true);
    sg.track('Login failed', {}, { category: 'necessary' });
    sg.track('Held'); // kept in memory until the decision
    await sg.flush();
    const necessary = byName('Login failed');
    expect(necessary.anonymousId).toBe(sg.anonymousId);
    expect(stored()).toBeNull();

    sg.consent.acceptAll();
    sg.track('After');
    await sg.flush();
    expect(stored()).toBe(sg.anonymousId);
    expect(sg.anonymousId).not.toBe(necessary.anonymousId);
    for (const name of ['Held', 'After']) {
      expect(byName(name).anonymousId).toBe(stored());
      expect(byName(name).context?.session?.id).not.toBe(necessary.context?.session?.id);
    }
    expect(byName('Held').context?.session?.id).toBe(byName('After').context?.session?.id);
    // The proof of consent names the id the analytics data carries.
    const record = fetchMock.mock.calls.find(([url]) => url.endsWith('/v1/consent'));
    expect(JSON.parse(String(record?.[1]?.body)).anonymousId).toBe(stored());
  });

  it('also after events sent under another category while analytics was denied', async () => {
    const sg = optIn();
    sg.consent.set({ analytics: false, marketing: true });
    sg.track('Ad', {}, { category: 'marketing' });
    await sg.flush();
    sg.consent.set({ analytics: true });
    sg.track('After');
    await sg.flush();
    expect(byName('After').anonymousId).toBe(stored());
    expect(byName('Ad').anonymousId).not.toBe(stored());
  });

  it('keeps and stores the in-memory id when nothing went out with it', async () => {
    const sg = optIn(true);
    const before = sg.anonymousId;
    sg.track('Held');
    sg.consent.acceptAll();
    await sg.flush();
    expect(stored()).toBe(before);
    expect(byName('Held').anonymousId).toBe(before);
  });
});

describe('a page that starts without analytics consent (an expired decision, a new revision)', () => {
  it('deletes what an earlier grant stored instead of carrying it on in memory', async () => {
    const now = Date.now();
    localStorage.setItem(
      'sgm_consent',
      JSON.stringify({
        id: 'c1',
        revision: 1,
        categories: { analytics: true },
        givenAt: now - 9,
        expiresAt: now - 1,
      }),
    );
    localStorage.setItem('sgm_aid', 'old');
    localStorage.setItem('sgm.uid', '"u1"');
    localStorage.setItem('sgm.ses', JSON.stringify({ id: 's0', start: now, last: now }));
    localStorage.setItem('sgm.cf', '{"source":"tiktok"}');
    localStorage.setItem('sgm.cl', '{"source":"tiktok"}');
    vi.resetModules(); // a page load: the SDK's module state starts afresh
    const { createSegmently: load } = await import('../../sdk/client.js');
    const sg = load({
      writeKey: 'wk',
      apiHost: 'https://c.example',
      autoPage: false,
      storage: memoryStorage(),
      consent: { banner: false },
    });
    sg.track('Login failed', {}, { category: 'necessary' });
    sg.consent.rejectAll();
    sg.track('Password reset', {}, { category: 'necessary' });
    await sg.flush();
    expect(sent()).toHaveLength(2);
    for (const e of sent()) {
      expect(e.anonymousId).not.toBe('old');
      expect(e.userId).toBeUndefined();
      expect(e.context?.session?.id).not.toBe('s0');
      expect(e.context?.campaign).toBeUndefined();
      expect(e.context?.firstCampaign).toBeUndefined();
    }
    expect(sg.userId).toBeUndefined();
    expect(Object.keys(localStorage)).toEqual(['sgm_consent']);
  });
});

describe('while a decision is pending (hold), what an earlier grant stored', () => {
  const held = () =>
    createSegmently({
      writeKey: 'wk',
      apiHost: 'https://c.example',
      autoPage: false,
      storage: memoryStorage(),
      flushInterval: 60_000,
      consent: { banner: false, hold: true },
    });
  const sgmKeys = () => Object.keys(localStorage).filter((k) => k.startsWith('sgm'));

  /** A returning visitor whose decision expired: the stored identity is kept until asked again. */
  const expired = () => {
    const past = Date.now() - 400 * 86_400_000;
    localStorage.setItem(
      'sgm_consent',
      JSON.stringify({
        id: 'c1',
        revision: 1,
        categories: { necessary: true, analytics: true },
        source: 'banner',
        givenAt: past,
        expiresAt: past + 365 * 86_400_000,
        gpc: false,
        language: 'en',
      }),
    );
    localStorage.setItem('sgm_aid', 'old');
    localStorage.setItem('sgm.uid', '"u1"');
  };
  const byName = (name: string) => sent().find((e) => (e.event ?? e.type) === name) as WireEvent;

  it('is not sent before analytics is granted again, and continues once it is', async () => {
    expired();
    const sg = held();
    sg.track('Login failed', {}, { category: 'necessary' });
    sg.track('Held');
    await sg.flush();
    const necessary = byName('Login failed');
    expect(necessary.anonymousId).not.toBe('old');
    expect(necessary.userId).toBeUndefined();
    expect(localStorage.getItem('sgm_aid')).toBe('old'); // kept, unused

    sg.consent.acceptAll();
    sg.track('After');
    await sg.flush();
    for (const name of ['Held', 'After'])
      expect(byName(name)).toMatchObject({ anonymousId: 'old', userId: 'u1' });
    expect(sg.anonymousId).toBe('old');
  });

  it('is not sent before a denial, which removes it', async () => {
    expired();
    const sg = held();
    sg.consent.rejectAll();
    sg.track('Login failed', {}, { category: 'necessary' });
    await sg.flush();
    expect(byName('Login failed').anonymousId).not.toBe('old');
    expect(byName('Login failed').userId).toBeUndefined();
    expect(sgmKeys()).toEqual(['sgm_consent']);
  });

  it('keeps the stored session and campaigns out of events until a grant, then continues them', async () => {
    const now = Date.now();
    localStorage.setItem('sgm.ses', JSON.stringify({ id: 's0', start: now, last: now }));
    localStorage.setItem('sgm.cf', '{"source":"tiktok"}');
    localStorage.setItem('sgm.cl', '{"source":"tiktok"}');
    localStorage.setItem('sgm_aid', 'old');
    const sg = held();
    sg.track('Login failed', {}, { category: 'necessary' });
    await sg.flush();
    const necessary = byName('Login failed');
    expect(necessary.context?.session?.id).not.toBe('s0');
    expect(necessary.context?.campaign).toBeUndefined();
    expect(necessary.context?.firstCampaign).toBeUndefined();

    sg.consent.acceptAll();
    sg.page();
    sg.track('After');
    await sg.flush();
    expect(byName('After')).toMatchObject({
      anonymousId: 'old',
      context: { session: { id: 's0' }, campaign: { source: 'tiktok' } },
    });
  });

  it('stays removed after reset() once analytics is granted (a logout on a shared device)', () => {
    const now = Date.now();
    localStorage.setItem('sgm.uid', '"u1"');
    localStorage.setItem('sgm.ses', JSON.stringify({ id: 's0', start: now, last: now }));
    localStorage.setItem('sgm.cf', '{"source":"tiktok"}');
    localStorage.setItem('sgm.cl', '{"source":"tiktok"}');
    localStorage.setItem('sgm_aid', 'old');
    const sg = held();
    sg.reset();
    sg.consent.acceptAll();
    expect(sgmKeys().sort()).toEqual(['sgm_aid', 'sgm_consent']);
    expect(localStorage.getItem('sgm_aid')).not.toBe('old');
    expect(held().userId).toBeUndefined(); // the next page load
  });
});

describe('hostile and unusual pages', () => {
  const optIn = () =>
    createSegmently({
      writeKey: 'wk',
      apiHost: 'https://c.example',
      autoPage: false,
      storage: memoryStorage(),
      flushInterval: 60_000,
    });

  it('starts where Trusted Types refuse script URLs and text, and throws nothing', () => {
    const refuse = () => {
      throw new TypeError("This document requires 'TrustedScriptURL' assignment.");
    };
    const proto = HTMLScriptElement.prototype;
    const src = Object.getOwnPropertyDescriptor(proto, 'src') as PropertyDescriptor;
    const text = Object.getOwnPropertyDescriptor(proto, 'text') as PropertyDescriptor;
    Object.defineProperty(proto, 'src', { ...src, set: refuse });
    Object.defineProperty(proto, 'text', { ...text, set: refuse });
    document.body.innerHTML =
      '<script type="text/plain" data-consent="analytics">1</script>' +
      '<script type="text/plain" data-consent="analytics" data-src="/a.js"></script>';
    try {
      let sg: ReturnType<typeof optIn> | undefined;
      expect(() => {
        sg = optIn(); // opt-in: the banner chunk is asked for at once
      }).not.toThrow();
      expect(() => sg?.consent.show()).not.toThrow();
      expect(() => sg?.consent.acceptAll()).not.toThrow();
      expect(sg?.consent.get().analytics).toBe(true);
    } finally {
      Object.defineProperty(proto, 'src', src);
      Object.defineProperty(proto, 'text', text);
      document.body.innerHTML = '';
    }
  });

  it('starts over a stored decision without categories, and asks again', () => {
    const w = window as { segmentlyBanner?: unknown };
    const banner = vi.fn();
    w.segmentlyBanner = banner;
    try {
      for (const categories of [undefined, null]) {
        const expiresAt = Date.now() + 86_400_000;
        const record = { id: 'c1', revision: 1, categories, expiresAt };
        localStorage.setItem('sgm_consent', JSON.stringify(record));
        banner.mockClear();
        let sg: ReturnType<typeof optIn> | undefined;
        expect(() => {
          sg = optIn();
        }).not.toThrow();
        expect(sg?.consent.get().analytics).toBe(false);
        expect(banner).toHaveBeenCalledWith(expect.objectContaining({ decided: false }));
      }
    } finally {
      delete w.segmentlyBanner;
    }
  });

  it('sends events over stored state of the wrong shape (session, user id, invalid JSON)', async () => {
    const now = Date.now();
    localStorage.setItem('sgm.ses', JSON.stringify({ id: 's0', start: 'yesterday', last: now }));
    localStorage.setItem('sgm.uid', '{"id":"u1"}');
    localStorage.setItem('sgm.cl', '{not json');
    const sg = client();
    expect(sg.userId).toBeUndefined();
    sg.track('A');
    await sg.flush();
    expect(sent()).toHaveLength(1);
    expect(sent()[0]).not.toHaveProperty('userId');
    expect(sent()[0]?.context?.session?.id).not.toBe('s0');
  });

  it('reset() removes the cached segments of the previous person', async () => {
    fetchMock.mockImplementation(async (url: string) =>
      url.includes('/v1/me/segments')
        ? Response.json({ segments: [{ key: 'vip', utm: { utm_source: 'sgm' } }] })
        : Response.json({ accepted: 1, rejected: [] }),
    );
    try {
      const sg = client(); // opt-out: personalization granted
      sg.utm.tag('https://shop.example/');
      await vi.waitFor(() => expect(localStorage.getItem('sgm.seg')).toContain('vip'));
      sg.reset();
      expect(localStorage.getItem('sgm.seg')).toBeNull();
    } finally {
      fetchMock.mockImplementation(async () => Response.json({ accepted: 1, rejected: [] }));
    }
  });

  it("starts although the page's CMP throws, and follows the API's decisions", async () => {
    const w = window as { __tcfapi?: unknown };
    w.__tcfapi = () => {
      throw new Error('CMP bug');
    };
    try {
      let sg: ReturnType<typeof optIn> | undefined;
      expect(() => {
        sg = optIn();
      }).not.toThrow();
      sg?.consent.acceptAll();
      sg?.track('After');
      await sg?.flush();
      expect(sent().map((e) => e.event)).toEqual(['After']);
    } finally {
      delete w.__tcfapi;
    }
  });

  it('starts on a page that froze history.pushState, and still sees hash changes', async () => {
    const frozen = { writable: false, configurable: true };
    Object.defineProperty(history, 'pushState', { value: history.pushState, ...frozen });
    try {
      let sg: ReturnType<typeof client> | undefined;
      expect(() => {
        sg = client(true);
      }).not.toThrow();
      location.hash = '#reviews';
      await vi.waitFor(() => expect(location.hash).toBe('#reviews'));
      await new Promise((r) => setTimeout(r, 0));
      await sg?.flush();
      expect(sent().filter((e) => e.type === 'page')).toHaveLength(2);
    } finally {
      Reflect.deleteProperty(history, 'pushState');
    }
  });
});
