import { afterEach, describe, expect, it, vi } from 'vitest';

/** Loads sdk/global.ts the way the script tag does, after the snippet's stub queued calls. */
async function loadScriptTag(attrs: Record<string, string>) {
  const script = document.createElement('script');
  script.src = 'https://collect.example/s.js';
  for (const [k, v] of Object.entries(attrs)) script.setAttribute(k, v);
  document.head.append(script);
  Object.defineProperty(document, 'currentScript', { value: script, configurable: true });
  vi.resetModules();
  await import('../../sdk/global.js');
}

/** The snippet's stub: calls made before the script loads queue on it. */
function installStub() {
  const q: unknown[][] = [];
  const stub = Object.assign((...args: unknown[]) => q.push(args), { q });
  window.segmently = stub as never;
  return stub;
}

/** `window.segmently` once the script loaded: the function form and the API. */
const loaded = () =>
  window.segmently as unknown as {
    (...a: unknown[]): unknown;
    track: (e: unknown) => void;
    flush: () => Promise<void>;
  };

describe('script tag and snippet stub', () => {
  const fetchMock = vi.fn(async () => new Response('{"accepted":1,"rejected":[]}'));
  vi.stubGlobal('fetch', fetchMock);
  afterEach(() => {
    fetchMock.mockClear();
    delete window.segmently;
  });
  const calls = () => fetchMock.mock.calls as unknown as [string, RequestInit][];
  /** Names of the events sent to the collector so far. */
  const sentEvents = () =>
    calls()
      .flatMap(([, init]) => JSON.parse(String(init.body)).batch)
      .map((e: { event: string }) => e.event);

  it('replays calls queued before load, in order, to the script origin', async () => {
    const stub = installStub();
    stub('track', 'First', { n: 1 });
    stub('track', 'Second', { n: 2 });
    await loadScriptTag({
      'data-write-key': 'wk_test',
      'data-auto-page': 'false',
      'data-consent-mode': 'opt-out',
    });

    const sg = loaded();
    sg('track', 'Third');
    sg.track('Fourth');
    await sg.flush();
    expect(calls().every(([url]) => url.endsWith('/v1/batch'))).toBe(true);
    expect(calls()[0]?.[0]).toBe('https://collect.example/v1/batch');
    expect(sentEvents()).toEqual(['First', 'Second', 'Third', 'Fourth']);
    expect(JSON.parse(String(calls()[0]?.[1].body)).writeKey).toBe('wk_test');
  });

  it('skips a bad queued call, replays the rest, and never throws from the function form', async () => {
    const stub = installStub();
    stub('track', 'First');
    stub();
    stub(42);
    stub('track', 'Second');
    await loadScriptTag({
      'data-write-key': 'wk',
      'data-auto-page': 'false',
      'data-consent-mode': 'opt-out',
    });
    const sg = loaded();
    expect(() => sg()).not.toThrow();
    expect(() => sg(42)).not.toThrow();
    await sg.flush();
    expect(sentEvents()).toEqual(['First', 'Second']);
  });

  it('honours data-api-host and never throws into the page on bad calls', async () => {
    await loadScriptTag({
      'data-write-key': 'wk',
      'data-api-host': 'https://api.example',
      'data-auto-page': 'false',
      'data-consent-mode': 'opt-out',
    });
    const sg = loaded();
    expect(() => sg('no.such.method')).not.toThrow();
    expect(() => sg.track(Symbol('x'))).not.toThrow();
    sg.track('Ok');
    await sg.flush();
    expect(calls()[0]?.[0]).toBe('https://api.example/v1/batch');
  });
});
