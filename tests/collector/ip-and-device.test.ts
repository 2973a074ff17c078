import { describe, expect, it } from 'vitest';
import { truncateIp } from '../../collector/ingest/client-ip.js';
import { deviceOf } from '../../collector/ingest/user-agent.js';
import { ANDROID, DESKTOP, HEADLESS, IPAD, IPHONE } from './user-agents.js';

describe('truncateIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['::ffff:203.0.113.77', '203.0.113.0'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:db8::1', '2001:db8:0::'],
    ['::1', '0:0:0::'],
    ['not an ip', null],
    [undefined, null],
  ])('%s → %s', (ip, expected) => {
    expect(truncateIp(ip)).toBe(expected);
  });
});

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
