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
    // Teredo: the client's IPv4 address is stored XOR-ed with ffff:ffff (f5ff:fffe = 10.0.0.1).
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private', 'Teredo client for 10.0.0.1'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback', 'Teredo client for 127.0.0.1'],
    ['2001:0:4136:e378::5601:5601', 'link-local', 'Teredo client for 169.254.169.254'],
    ['2001:0:a00:1:8000:63bf:f7f7:f7f7', 'private', 'Teredo server for 10.0.0.1'],
    ['2001:db8:1:2:0:5efe:10.0.0.1', 'private', 'ISATAP for 10.0.0.1'],
    ['2001:db8:1:2:200:5efe:c0a8:101', 'private', 'ISATAP for 192.168.1.1'],
    ['2001:db8::200:5efe:7f00:1', 'loopback', 'ISATAP for 127.0.0.1'],
    ['::5efe:a9fe:a9fe', 'link-local', 'ISATAP for 169.254.169.254'],
  ])('refuses %s, which embeds a %s IPv4 address', (address, range, embedded) => {
    expect(blockedRange(address)).toEqual({ range, embedded });
  });

  it.each(['64:ff9b:1::808:808', '64:ff9b:1::a00:1', '64:ff9b:1:ffff:ffff::1'])(
    'refuses %s: local-use NAT64, whatever IPv4 address it embeds',
    (address) => {
      expect(blockedRange(address)).toEqual({ range: 'local-use NAT64' });
    },
  );

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
    // Teredo with a public server (65.54.227.120) and client (8.8.8.8), ISATAP of 8.8.8.8.
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
    '2001:db8:1:2:200:5efe:808:808',
    '2001:db8:1:2:0:5eff:a00:1',
    'hooks.example.com',
  ])('lets %s through', (address) => {
    expect(blockedRange(address)).toBeUndefined();
  });

  it.each([
    ['http://hooks.example.com/x', 'webhook URLs must use https'],
    ['https://127.0.0.1/x', '127.0.0.1 is a loopback address'],
    ['https://2130706433/x', '127.0.0.1 is a loopback address'],
    ['https://0x7f.1/x', '127.0.0.1 is a loopback address'],
    ['https://[::1]:8443/x', '::1 is a loopback address'],
    ['https://[::ffff:a9fe:a9fe]/latest', '::ffff:a9fe:a9fe is a link-local address'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['https://0.0.0.0/x', '0.0.0.0 is an unspecified address'],
    ['https://[fd00::1]/x', 'fd00::1 is a unique-local address'],
    [
      'https://[64:ff9b::169.254.169.254]/latest',
      '64:ff9b::a9fe:a9fe is a link-local address (NAT64 for 169.254.169.254)',
    ],
    [
      'https://[2002:a9fe:a9fe::]/latest',
      '2002:a9fe:a9fe:: is a link-local address (6to4 for 169.254.169.254)',
    ],
    [
      'https://[::169.254.169.254]/latest',
      '::a9fe:a9fe is a link-local address (IPv4-compatible for 169.254.169.254)',
    ],
    [
      'https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/x',
      '2001:0:4136:e378:8000:63bf:f5ff:fffe is a private address (Teredo client for 10.0.0.1)',
    ],
    ['https://[fe80::1:0:5efe:10.0.0.1]/x', 'fe80::1:0:5efe:a00:1 is a link-local address'],
    [
      'https://[2001:db8:1:2::5efe:10.0.0.1]/x',
      '2001:db8:1:2:0:5efe:a00:1 is a private address (ISATAP for 10.0.0.1)',
    ],
    ['https://[64:ff9b:1::8.8.8.8]/x', '64:ff9b:1::808:808 is a local-use NAT64 address'],
    ['https://[64:ff9b::808:808]/x', undefined],
    ['https://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/x', undefined],
    ['https://hooks.example.com/x', undefined],
    ['https://8.8.8.8/x', undefined],
  ])('tells from the URL alone whether %s is refused: %s', (url, reason) => {
    expect(staticRefusal(url, false)?.message).toBe(reason);
  });

  it('lets http and internal hosts through when private receivers are allowed', () => {
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
