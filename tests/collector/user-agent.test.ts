import { describe, expect, it } from 'vitest';
import { truncateIp } from '../../collector/ingest/client-ip.js';
import { enrich } from '../../collector/ingest/enrich.js';
import { senderOf } from '../../collector/ingest/sender.js';
import { deviceOf } from '../../collector/ingest/user-agent.js';
import type { Source } from '../../collector/sources/store.js';
import { ANDROID, DESKTOP, HEADLESS, IPAD, IPHONE } from './user-agents.js';

describe('deviceOf', () => {
  it.each([
    [IPHONE, 'mobile', 'ios', 'safari'],
    [ANDROID, 'mobile', 'android', 'chrome'],
    [IPAD, 'tablet', 'ios', 'safari'],
    [DESKTOP, 'desktop', 'windows', 'chrome'],
  ])('parses %s', (ua, deviceType, os, browser) => {
    expect(deviceOf(ua)).toEqual({ bot: false, deviceType, os, browser });
  });

  it('flags HeadlessChrome and crawlers as bots', () => {
    expect(deviceOf(HEADLESS).bot).toBe(true);
    expect(deviceOf('Googlebot/2.1 (+http://www.google.com/bot.html)').bot).toBe(true);
  });
});

describe('enrich', () => {
  const event = { type: 'track' as const, event: 'E', anonymousId: 'a' };
  const request = (headers: Record<string, string>, fromBrowser?: boolean) => ({
    ...senderOf((name) => headers[name], fromBrowser),
    source: {} as Source,
    ipTruncated: truncateIp('198.51.100.7'),
    suppressions: { has: () => false, add: async () => {} },
  });

  it("reads the visitor's device from a pixel request that says it came from a browser", () => {
    const headers = { 'User-Agent': IPHONE, 'Accept-Language': 'nl-BE,nl;q=0.9' };
    expect(enrich(event, request(headers, true))).toMatchObject({
      deviceType: 'mobile',
      os: 'ios',
      locale: 'nl-BE',
      ipTruncated: '198.51.100.0',
    });
    expect(enrich(event, request(headers))).toMatchObject({ deviceType: null, locale: null });
  });
});

describe('senderOf', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];

  it("takes a browser's User-Agent and Accept-Language, recognised by its Origin", () => {
    const h = { Origin: 'https://shop.example', 'User-Agent': IPHONE, 'Accept-Language': 'de' };
    expect(senderOf(headers(h))).toEqual({ userAgent: IPHONE, acceptLanguage: 'de', gpc: false });
  });

  it("ignores a server library's User-Agent, and reads Global Privacy Control from anyone", () => {
    const h = { 'User-Agent': 'analytics-node', 'Accept-Language': 'de', 'Sec-GPC': '1' };
    expect(senderOf(headers(h))).toEqual({
      userAgent: undefined,
      acceptLanguage: undefined,
      gpc: true,
    });
    expect(senderOf(headers(h), true).userAgent).toBe('analytics-node');
  });
});
