import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../collector/env.js';
import { forwardedClient, truncateIp } from '../../collector/ingest/client-ip.js';

describe('truncateIp', () => {
  it('keeps /24 of IPv4 and /48 of IPv6, never a whole address', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateIp('::ffff:198.51.100.9')).toBe('198.51.100.0');
    expect(truncateIp('2001:DB8:00ab:12:1:2:3:4')).toBe('2001:db8:ab::');
    expect(truncateIp('2001:db8::1')).toBe('2001:db8:0::');
    expect(truncateIp('::1')).toBe('0:0:0::');
    // 6to4: the next 32 bits are the site's whole IPv4 address (203.0.113.7), within any /48.
    expect(truncateIp('2002:cb00:7107:1::2')).toBe('203.0.113.0');
    expect(truncateIp('2002:CB00:7107::')).toBe('203.0.113.0');
    expect(truncateIp('not-an-ip')).toBeNull();
    expect(truncateIp(undefined)).toBeNull();
  });
});

describe('forwardedClient', () => {
  it('takes the entry the trusted proxy appended, never one the client wrote', () => {
    // The client sent "X-Forwarded-For: 1.1.1.1"; the one proxy appended what it saw.
    expect(forwardedClient('1.1.1.1, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(forwardedClient(' 203.0.113.7 ', 1)).toBe('203.0.113.7');
    expect(forwardedClient('2001:db8::1', 1)).toBe('2001:db8::1');
  });

  it('counts proxy hops from the right', () => {
    const header = '1.1.1.1, 203.0.113.7, 10.0.0.2';
    expect(forwardedClient(header, 1)).toBe('10.0.0.2');
    expect(forwardedClient(header, 2)).toBe('203.0.113.7');
    expect(forwardedClient('203.0.113.7', 2)).toBe('203.0.113.7'); // fewer proxies took part
  });

  it('gives nothing without trusted proxies, a header or a valid address', () => {
    expect(forwardedClient('203.0.113.7', 0)).toBeUndefined();
    expect(forwardedClient(undefined, 1)).toBeUndefined();
    expect(forwardedClient('203.0.113.7, unknown', 1)).toBeUndefined();
    expect(forwardedClient('203.0.113.7, 203.0.113.8:4711', 1)).toBeUndefined();
  });
});

describe('TRUST_PROXY', () => {
  it('takes true, false or a number of proxies', () => {
    const hops = (value?: string) =>
      parseEnv(value === undefined ? {} : { TRUST_PROXY: value }).TRUST_PROXY;
    expect([hops(), hops('false'), hops('0'), hops('true'), hops('1'), hops('2')]).toEqual([
      0, 0, 0, 1, 1, 2,
    ]);
    expect(() => hops('yes')).toThrow(/TRUST_PROXY/);
    expect(() => hops('-1')).toThrow(/TRUST_PROXY/);
  });
});
