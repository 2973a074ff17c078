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
    expect(blockedRange(address)).toEqual({ range });
  });

  it.each([
    ['64:ff9b::a9fe:a9fe', 'link-local', 'NAT64 for 169.254.169.254'],
    ['64:ff9b::127.0.0.1', 'loopback', 'NAT64 for 127.0.0.1'],
    ['64:ff9b::a00:1', 'private', 'NAT64 for 10.0.0.1'],
    ['2002:a9fe:a9fe::1', 'link-local', '6to4 for 169.254.169.254'],
    ['2002:c0a8:101:5::abcd', 'private', '6to4 for 192.168.1.1'],
    ['2002:7f00:1::', 'loopback', '6to4 for 127.0.0.1'],
    ['::a9fe:a9fe', 'link-local', 'IPv4-compatible for 169.254.169.254'],
    ['::127.0.0.1', 'loopback', 'IPv4-compatible for 127.0.0.1'],
    ['::0.0.0.2', 'unspecified', 'IPv4-compatible for 0.0.0.2'],
  ])('refuses %s, which embeds a %s IPv4 address', (address, range, embedded) => {
    expect(blockedRange(address)).toEqual({ range, embedded });
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '192.169.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '64:ff9b::1.1.1.1',
    '2002:808:808::1',
    '::8.8.8.8',
    '2001:db8::a9fe:a9fe',
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
    expect(refused('https://0.0.0.0/x')).toBe('0.0.0.0 is an unspecified address');
    expect(refused('https://[fd00::1]/x')).toBe('fd00::1 is a unique-local address');
    expect(refused('https://[64:ff9b::169.254.169.254]/latest')).toBe(
      '64:ff9b::a9fe:a9fe is a link-local address (NAT64 for 169.254.169.254)',
    );
    expect(refused('https://[2002:a9fe:a9fe::]/latest')).toBe(
      '2002:a9fe:a9fe:: is a link-local address (6to4 for 169.254.169.254)',
    );
    expect(refused('https://[::169.254.169.254]/latest')).toBe(
      '::a9fe:a9fe is a link-local address (IPv4-compatible for 169.254.169.254)',
    );
    expect(refused('https://[64:ff9b::808:808]/x')).toBeUndefined();
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
