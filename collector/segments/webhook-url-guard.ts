import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** The stable code for a refused webhook URL: the API's 400 and the delivery log use it. */
export const WEBHOOK_URL_NOT_ALLOWED = 'webhook_url_not_allowed';

/**
 * Addresses a webhook must not reach unless the operator opts in (WEBHOOK_ALLOW_PRIVATE):
 * the collector's own host, its network and the cloud metadata service (169.254.169.254).
 * IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) match their IPv4 range.
 */
const RANGES: [label: string, cidr: string][] = [
  ['unspecified', '0.0.0.0/8'],
  ['private', '10.0.0.0/8'],
  ['shared (carrier-grade NAT)', '100.64.0.0/10'],
  ['loopback', '127.0.0.0/8'],
  ['link-local', '169.254.0.0/16'],
  ['private', '172.16.0.0/12'],
  ['private', '192.168.0.0/16'],
  ['multicast', '224.0.0.0/4'],
  ['reserved', '240.0.0.0/4'],
  ['unspecified', '::/128'],
  ['loopback', '::1/128'],
  ['unique-local', 'fc00::/7'],
  ['link-local', 'fe80::/10'],
  ['site-local', 'fec0::/10'],
  ['multicast', 'ff00::/8'],
  // RFC 8215's local-use NAT64 prefix: the IPv4 address sits where the operator's prefix
  // length (/48 to /96, RFC 6052) puts it, so it cannot be decoded; the prefix is not globally
  // reachable (IANA special-purpose registry), so all of it is refused, the conservative choice.
  ['local-use NAT64', '64:ff9b:1::/48'],
];

const subnet = (cidr: string) => {
  const [net = '', prefix] = cidr.split('/');
  const list = new BlockList();
  list.addSubnet(net, Number(prefix), isIP(net) === 6 ? 'ipv6' : 'ipv4');
  return list;
};

const BLOCKS = RANGES.map(([label, cidr]) => ({ label, list: subnet(cidr) }));

const rangeOf = (address: string, type: 'ipv4' | 'ipv6') =>
  BLOCKS.find(({ list }) => list.check(address, type))?.label;

/** The eight 16-bit words of a valid IPv6 address. */
function ipv6Words(address: string): number[] {
  // The URL parser spells any IPv6 address as compressed hex, a dotted IPv4 tail included.
  const hex = new URL(`http://[${address.replace(/%.*$/, '')}]`).hostname.slice(1, -1);
  const words = (part = '') =>
    part ? part.split(':').map((word) => Number.parseInt(word, 16)) : [];
  const [head, tail] = hex.split('::');
  const front = words(head);
  const back = words(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

interface Embedding {
  via: string;
  /** Whether `address` (as its eight words too) is of this form. */
  holds(address: string, words: number[]): boolean;
  at: number;
  xor?: number;
}

const inPrefix = (cidr: string) => {
  const list = subnet(cidr);
  return (address: string) => list.check(address, 'ipv6');
};

/**
 * IPv6 addresses that carry an IPv4 address the packet is delivered to; that IPv4 address is
 * checked against the ranges above. `at` is the word the IPv4 address starts at, `xor` the
 * mask it is stored XOR-ed with. NAT64's well-known prefix is refused only when the embedded
 * address is: refusing all of it would cut an IPv6-only collector off from every IPv4
 * receiver. An operator's own NAT64 prefix looks like any other address; there the NAT64
 * itself must keep internal targets out. IPv4-mapped `::ffff:a.b.c.d` needs no entry:
 * BlockList matches it against the IPv4 ranges itself.
 */
const EMBEDDINGS: Embedding[] = [
  { via: 'NAT64', holds: inPrefix('64:ff9b::/96'), at: 6 },
  { via: '6to4', holds: inPrefix('2002::/16'), at: 1 },
  { via: 'IPv4-compatible', holds: inPrefix('::/96'), at: 6 },
  // Teredo (RFC 4380 §4): 2001:0:<server IPv4>:<flags>:<port>:<client IPv4>, the client's
  // address XOR-ed with ffff:ffff. A relay sends to the client, indirect bubbles go through
  // the server: both are checked.
  { via: 'Teredo server', holds: inPrefix('2001::/32'), at: 2 },
  { via: 'Teredo client', holds: inPrefix('2001::/32'), at: 6, xor: 0xffff },
  // ISATAP (RFC 5214 §6.1): any /64 prefix, then the interface id 0000:5efe:<IPv4> or, for a
  // globally unique IPv4 address, 0200:5efe:<IPv4>; the group bit is ignored (0100, 0300).
  {
    via: 'ISATAP',
    holds: (_, words) => ((words[4] ?? 0) & 0xfcff) === 0 && words[5] === 0x5efe,
    at: 6,
  },
];

type Blocked = { range: string; embedded?: string };

/**
 * Which non-public range an IP address is in or leads to (`loopback`, `private`, …), if any,
 * and for an address embedding IPv4 which one (`NAT64 for 169.254.169.254`).
 */
export function blockedRange(address: string): Blocked | undefined {
  const family = isIP(address);
  if (!family) return undefined;
  const range = rangeOf(address, family === 6 ? 'ipv6' : 'ipv4');
  if (range) return { range };
  if (family === 4) return undefined;
  const words = ipv6Words(address);
  for (const { via, holds, at, xor = 0 } of EMBEDDINGS) {
    if (!holds(address, words)) continue;
    const [high = 0, low = 0] = words.slice(at, at + 2).map((word) => word ^ xor);
    const ipv4 = [high >> 8, high & 255, low >> 8, low & 255].join('.');
    const inner = rangeOf(ipv4, 'ipv4');
    if (inner) return { range: inner, embedded: `${via} for ${ipv4}` };
  }
  return undefined;
}

export class WebhookUrlRefused extends Error {}

/** "an unspecified", but "a unique-local". */
const article = (range: string) => (/^(?:[aeio]|un(?!i))/.test(range) ? 'an' : 'a');

function refusal(host: string, address: string, { range, embedded }: Blocked) {
  const what = `${article(range)} ${range} address${embedded ? ` (${embedded})` : ''}`;
  return new WebhookUrlRefused(
    host === address ? `${address} is ${what}` : `${host} resolves to ${address}, ${what}`,
  );
}

/** The URL's host without IPv6 brackets (`new URL` already turned `2130706433` into `127.0.0.1`). */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * What can be told from the URL alone: https only, and no IP literal in a refused range. With
 * `allowPrivate` (WEBHOOK_ALLOW_PRIVATE) anything http(s) goes, for receivers on a private
 * network or a developer's machine. Names are checked when resolved (`guardedLookup`).
 */
export function staticRefusal(
  rawUrl: string,
  allowPrivate: boolean,
): WebhookUrlRefused | undefined {
  if (allowPrivate) return undefined;
  const url = new URL(rawUrl);
  if (url.protocol !== 'https:') return new WebhookUrlRefused('webhook URLs must use https');
  const host = hostOf(url);
  const blocked = blockedRange(host);
  return blocked ? refusal(host, host, blocked) : undefined;
}

type Resolve = (host: string) => Promise<LookupAddress[]>;
const resolveAll: Resolve = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/**
 * The save-time check: the static one, then the host's current DNS answers. A name that does
 * not resolve (yet), or not within `timeoutMs`, is accepted: delivery checks again anyway.
 */
export async function webhookUrlRefusal(
  rawUrl: string,
  allowPrivate: boolean,
  timeoutMs = 2000,
): Promise<WebhookUrlRefused | undefined> {
  const refused = staticRefusal(rawUrl, allowPrivate);
  const host = hostOf(new URL(rawUrl));
  if (refused || allowPrivate || isIP(host)) return refused;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<LookupAddress[]>((resolve) => {
    timer = setTimeout(() => resolve([]), timeoutMs);
  });
  const addresses = await Promise.race([resolveAll(host).catch(() => []), timeout]);
  clearTimeout(timer);
  for (const { address } of addresses) {
    const blocked = blockedRange(address);
    if (blocked) return refusal(host, address, blocked);
  }
  return undefined;
}

/**
 * The delivery-time check, as the socket's DNS lookup: the address refused is the one the
 * connection would use, so a name re-pointed after it was saved (DNS rebinding included)
 * cannot reach a refused range. Any refused address fails the whole lookup.
 */
export const guardedLookup: LookupFunction = (host, options, callback) => {
  dnsLookup(host, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    for (const { address } of addresses) {
      const blocked = blockedRange(address);
      if (blocked) return callback(refusal(host, address, blocked), '', 0);
    }
    const [first] = addresses;
    if (options.all) callback(null, addresses);
    else if (first) callback(null, first.address, first.family);
    else callback(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }), '', 0);
  });
};
