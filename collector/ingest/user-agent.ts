import Bowser from 'bowser';
import { isbot } from 'isbot';
import { createRecentCache } from '../recent-cache.js';
import { withoutControlChars } from './control-chars.js';

export interface Device {
  bot: boolean;
  /** mobile | tablet | desktop | tv | ... (bowser's platform type), lower case. */
  deviceType: string | null;
  /** android | ios | windows | macos | linux | chrome os | ..., lower case. */
  os: string | null;
  browser: string | null;
}

const UNKNOWN: Device = { bot: false, deviceType: null, os: null, browser: null };
const cache = createRecentCache<Device>(5_000);

/** Bowser names an unknown browser by the user agent's first word, whatever it holds. */
const lower = (v: string | undefined) => (v ? withoutControlChars(v).toLowerCase() || null : null);

/** Parses a user agent once (bowser takes ~10 µs); a busy site sends the same few again and again. */
export function deviceOf(userAgent: string | undefined): Device {
  if (!userAgent) return UNKNOWN;
  const cached = cache.get(userAgent);
  if (cached) return cached;
  const parsed = Bowser.parse(userAgent);
  const device: Device = {
    bot: isbot(userAgent),
    deviceType: lower(parsed.platform.type),
    os: lower(parsed.os.name),
    browser: lower(parsed.browser.name),
  };
  cache.set(userAgent, device);
  return device;
}
