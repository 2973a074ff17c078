import { describe, expect, it } from 'vitest';
import { deviceOf } from '../../collector/ingest/user-agent.js';
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
