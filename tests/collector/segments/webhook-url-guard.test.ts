import { describe, expect, it } from 'vitest';
import {
  blockedRange,
  staticRefusal,
  webhookUrlRefusal,
} from '../../../collector/segments/webhook-url-guard.js';

describe('webhook URL guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
  ])('refuses %s (%s)', (address, range) => {
    expect(blockedRange(address)).toBe(range);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '192.169.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    'hooks.example.com',
  ])('lets %s through', (address) => {
    expect(blockedRange(address)).toBeUndefined();
  });

  it('refuses http and literal internal hosts in any spelling, unless private is allowed', () => {
    const refused = (url: string) => staticRefusal(url, false)?.message;
    expect(refused('http://hooks.example.com/x')).toBe('webhook URLs must use https');
    expect(refused('https://127.0.0.1/x')).toBe('127.0.0.1 is a loopback address');
    expect(refused('https://2130706433/x')).toBe('127.0.0.1 is a loopback address');
    expect(refused('https://0x7f.1/x')).toBe('127.0.0.1 is a loopback address');
    expect(refused('https://[::1]:8443/x')).toBe('::1 is a loopback address');
    expect(refused('https://[::ffff:a9fe:a9fe]/latest')).toBe(
      '::ffff:a9fe:a9fe is a link-local address',
    );
    expect(refused('https://169.254.169.254/latest/meta-data/')).toContain('link-local');
    expect(refused('https://hooks.example.com/x')).toBeUndefined();
    expect(refused('https://8.8.8.8/x')).toBeUndefined();
    for (const url of ['http://127.0.0.1:9/x', 'https://10.0.0.1/x', 'http://[fd00::1]/x'])
      expect(staticRefusal(url, true)).toBeUndefined();
  });

  it('resolves names at save time: localhost is refused, an unresolvable name is left to delivery', async () => {
    expect((await webhookUrlRefusal('https://localhost:8443/hook', false))?.message).toMatch(
      /^localhost resolves to (127\.0\.0\.1|::1), a loopback address$/,
    );
    expect(await webhookUrlRefusal('https://localhost:8443/hook', true)).toBeUndefined();
    expect(await webhookUrlRefusal('https://no-such-host.invalid/hook', false)).toBeUndefined();
  });
});
