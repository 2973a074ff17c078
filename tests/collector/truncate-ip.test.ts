import { describe, expect, it } from 'vitest';
import { truncateIp } from '../../collector/ingest/client-ip.js';

describe('truncateIp', () => {
  it('keeps /24 of IPv4 and /48 of IPv6, never a whole address', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateIp('::ffff:198.51.100.9')).toBe('198.51.100.0');
    expect(truncateIp('2001:DB8:00ab:12:1:2:3:4')).toBe('2001:db8:ab::');
    expect(truncateIp('2001:db8::1')).toBe('2001:db8:0::');
    expect(truncateIp('::1')).toBe('0:0:0::');
    expect(truncateIp('not-an-ip')).toBeNull();
    expect(truncateIp(undefined)).toBeNull();
  });
});
