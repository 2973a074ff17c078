import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConsent } from '../../sdk/consent/core.js';
import type { ConsentOptions } from '../../sdk/consent/options.js';
import type { CategoryPreferences } from '../../shared/consent.js';

const DAY = 86_400_000;
const w = window as unknown as { dataLayer?: IArguments[]; segmentlyBanner?: unknown };
const fetchMock = vi.fn(async () => new Response('{}', { status: 201 }));
vi.stubGlobal('fetch', fetchMock);

function start(options: ConsentOptions = {}) {
  const changes: CategoryPreferences[] = [];
  const banner = vi.fn();
  w.segmentlyBanner = banner;
  const core = createConsent({
    options,
    apiHost: 'https://collect.example',
    writeKey: 'wk',
    anonymousId: () => 'anon-1',
    onChange: (before) => changes.push(before),
  });
  core.start();
  return { core, changes, banner };
}
const dataLayer = () => (w.dataLayer ?? []).map((a) => [...a]);

beforeEach(() => {
  localStorage.clear();
  delete w.dataLayer;
  fetchMock.mockClear();
});
afterEach(() => vi.useRealTimers());

describe('consent core', () => {
  it('off removes a change listener; the banner is told whether a decision is in force', () => {
    const { core, banner } = start();
    expect(banner).toHaveBeenCalledWith(expect.objectContaining({ decided: false }));
    const heard: CategoryPreferences[] = [];
    const listener = (p: CategoryPreferences) => heard.push(p);
    core.api.on('change', listener);
    core.api.acceptAll();
    core.api.off('change', listener);
    core.api.rejectAll();
    expect(heard).toEqual([expect.objectContaining({ analytics: true })]);
    core.api.show();
    expect(banner).toHaveBeenLastCalledWith(
      expect.objectContaining({ settings: true, decided: true }),
    );
  });

  it('asks, records a decision once, and replays it on the next load', () => {
    const first = start();
    expect(first.core.decided()).toBe(false);
    expect(first.banner).toHaveBeenCalledWith(expect.objectContaining({ settings: false }));
    const heard: CategoryPreferences[] = [];
    first.core.api.on('change', (p) => heard.push(p));
    first.core.api.set({ analytics: true });

    const stored = JSON.parse(localStorage.getItem('sgm_consent') as string);
    expect(stored).toMatchObject({ revision: 1, source: 'api', categories: { analytics: true } });
    expect(stored.expiresAt - stored.givenAt).toBe(182 * DAY);
    expect(heard).toEqual([expect.objectContaining({ analytics: true, marketing: false })]);
    expect(first.changes).toEqual([expect.objectContaining({ analytics: false })]);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('https://collect.example/v1/consent');
    expect(JSON.parse(String(init.body))).toMatchObject({ writeKey: 'wk', anonymousId: 'anon-1' });

    delete w.dataLayer;
    const second = start();
    expect(second.core.decided()).toBe(true);
    expect(second.banner).not.toHaveBeenCalled();
    expect(second.core.context()).toMatchObject({
      id: stored.id,
      categoryPreferences: { analytics: true },
    });
    expect(dataLayer().map((a) => a.slice(0, 2))).toEqual([
      ['consent', 'default'],
      ['consent', 'update'],
    ]);
  });

  it('asks again after a new policy revision or once the decision expired', () => {
    start({ expiryDays: 1 }).core.api.acceptAll();
    expect(start({ revision: 2 }).core.decided()).toBe(false);
    vi.useFakeTimers({ now: Date.now() + 2 * DAY });
    expect(start({ expiryDays: 1 }).core.decided()).toBe(false);
  });

  it('records a withdrawal as such and keeps only configured categories', () => {
    const { core } = start({ categories: ['analytics'] });
    core.api.acceptAll();
    expect(core.api.get()).toEqual({ necessary: true, analytics: true });
    core.api.rejectAll();
    expect(JSON.parse(localStorage.getItem('sgm_consent') as string).source).toBe('withdrawal');
    expect(
      JSON.parse(String((fetchMock.mock.calls[1] as unknown as [string, RequestInit])[1].body)),
    ).not.toHaveProperty('anonymousId');
  });

  it('gives two decisions in the same millisecond different givenAt (the collector keys on it)', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    const { core } = start();
    core.api.acceptAll();
    core.api.rejectAll();
    const posted = fetchMock.mock.calls.map(
      (call) => JSON.parse(String((call as unknown as [string, RequestInit])[1].body)).givenAt,
    );
    expect(posted).toEqual([1_700_000_000_000, 1_700_000_000_001]);
  });

  it('is decided from the start in opt-out regions and never shows the banner there', () => {
    const { core, banner } = start({ optOutRegions: ['US'], region: 'US-NY' });
    expect(core.decided()).toBe(true);
    expect(core.api.get()).toMatchObject({ analytics: true, marketing: true });
    expect(banner).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
    expect(dataLayer()[0]?.[2]).toMatchObject({
      analytics_storage: 'granted',
      wait_for_update: 500,
    });
  });

  it('follows a GPP CMP (US opt-out of targeted advertising denies marketing) without a banner', () => {
    const gpp = window as unknown as { __gpp?: unknown };
    gpp.__gpp = (command: string, callback: (e: unknown, ok: boolean) => void) => {
      if (command !== 'addEventListener') return;
      callback({ pingData: { signalStatus: 'not ready' } }, true);
      callback(
        {
          pingData: {
            signalStatus: 'ready',
            applicableSections: [7],
            parsedSections: { usnat: [{ SaleOptOut: 2, TargetedAdvertisingOptOut: 1 }] },
          },
        },
        true,
      );
    };
    const { core, banner, changes } = start();
    delete gpp.__gpp;
    expect(banner).not.toHaveBeenCalled();
    expect(changes).toHaveLength(1);
    expect(core.decided()).toBe(true);
    expect(core.api.get()).toMatchObject({ analytics: true, marketing: false });
    expect(localStorage.length).toBe(0);
  });

  it('asks with its own banner when a GPP CMP names no US section (nor TCF), as TCF without GDPR', () => {
    const gpp = window as unknown as { __gpp?: unknown };
    const cmp = (applicableSections: number[]) => {
      gpp.__gpp = (command: string, callback: (e: unknown, ok: boolean) => void) => {
        if (command === 'addEventListener')
          callback({ pingData: { signalStatus: 'ready', applicableSections } }, true);
      };
    };
    try {
      cmp([-1]);
      const none = start();
      expect(none.banner).toHaveBeenCalledWith(expect.objectContaining({ settings: false }));
      expect(none.core.decided()).toBe(false);
      cmp([2]); // TCF EU: decided through __tcfapi, not here
      expect(start().banner).not.toHaveBeenCalled();
      cmp([5]); // Canada: no US section either
      expect(start().banner).toHaveBeenCalled();
    } finally {
      delete gpp.__gpp;
    }
  });

  it('with TCF and GPP on the page, a visitor outside GDPR follows GPP, never also asked', () => {
    const cmps = window as unknown as { __tcfapi?: unknown; __gpp?: unknown };
    cmps.__tcfapi = (command: string, _v: number, callback: (tc: unknown, ok: boolean) => void) => {
      if (command === 'addEventListener')
        callback({ eventStatus: 'tcloaded', gdprApplies: false }, true);
    };
    cmps.__gpp = (command: string, callback: (e: unknown, ok: boolean) => void) => {
      if (command !== 'addEventListener') return;
      const usnat = [{ SaleOptOut: 1 }];
      const pingData = {
        signalStatus: 'ready',
        applicableSections: [7],
        parsedSections: { usnat },
      };
      callback({ pingData }, true);
    };
    try {
      const { core, banner } = start();
      expect(banner).not.toHaveBeenCalled();
      expect(core.api.get()).toMatchObject({ analytics: true, marketing: false });
    } finally {
      delete cmps.__tcfapi;
      delete cmps.__gpp;
    }
  });
});
