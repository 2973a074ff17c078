import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../collector/env.js';

describe('parseEnv', () => {
  it('takes a blank number (NAME= in a compose file) as unset, not as 0', () => {
    const env = parseEnv({
      PORT: '',
      RATE_LIMIT_SOURCE_EVENTS_PER_SEC: ' ',
      RATE_LIMIT_IP_REQUESTS_PER_SEC: '',
    });
    expect([
      env.PORT,
      env.RATE_LIMIT_SOURCE_EVENTS_PER_SEC,
      env.RATE_LIMIT_IP_REQUESTS_PER_SEC,
    ]).toEqual([3000, 20_000, 1_000]);
    expect(parseEnv({ PORT: '8080', RATE_LIMIT_IP_REQUESTS_PER_SEC: '0' })).toMatchObject({
      PORT: 8080,
      RATE_LIMIT_IP_REQUESTS_PER_SEC: 0,
    });
  });

  it('refuses numbers that are not plain decimals, and timers Node cannot hold', () => {
    expect(() => parseEnv({ PORT: '0x50' })).toThrow(/PORT/);
    expect(() => parseEnv({ RATE_LIMIT_IP_BURST: 'many' })).toThrow(/RATE_LIMIT_IP_BURST/);
    expect(() => parseEnv({ RETENTION_INTERVAL_MINUTES: '36000' })).toThrow(
      /RETENTION_INTERVAL_MINUTES/,
    );
    expect(parseEnv({ RETENTION_INTERVAL_MINUTES: '1440' }).RETENTION_INTERVAL_MINUTES).toBe(1440);
  });
});
