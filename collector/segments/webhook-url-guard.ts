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
];

const BLOCKS = RANGES.map(([label, cidr]) => {
  const [net = '', prefix] = cidr.split('/');
  const list = new BlockList();
  list.addSubnet(net, Number(prefix), isIP(net) === 6 ? 'ipv6' : 'ipv4');
  return { label, list };
});

/** Which non-public range an IP address is in (`loopback`, `private`, …), if any. */
export function blockedRange(address: string): string | undefined {
  const family = isIP(address);
  if (!family) return undefined;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  return BLOCKS.find(({ list }) => list.check(address, type))?.label;
}

export class WebhookUrlRefused extends Error {
  readonly code = WEBHOOK_URL_NOT_ALLOWED;
}

const refusal = (host: string, address: string, range: string) =>
  new WebhookUrlRefused(
    host === address
      ? `${address} is a ${range} address`
      : `${host} resolves to ${address}, a ${range} address`,
  );

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
  const range = blockedRange(host);
  return range ? refusal(host, host, range) : undefined;
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
    const range = blockedRange(address);
    if (range) return refusal(host, address, range);
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
      const range = blockedRange(address);
      if (range) return callback(refusal(host, address, range), '', 0);
    }
    const [first] = addresses;
    if (options.all) callback(null, addresses);
    else if (first) callback(null, first.address, first.family);
    else callback(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }), '', 0);
  });
};
