import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client address in an X-Forwarded-For header written by `hops` trusted proxies. Each
 * proxy appends the address it saw, so only the right-most `hops` entries are theirs; whatever
 * lies further left came from the client, who can write anything there. The entry the
 * outermost trusted proxy appended is the `hops`-th from the right (the left-most when fewer
 * proxies took part).
 */
export function forwardedClient(header: string | undefined, hops: number): string | undefined {
  if (!header || hops < 1) return undefined;
  const entries = header.split(',');
  const entry = entries[Math.max(0, entries.length - hops)]?.trim();
  return entry && isIP(entry) ? entry : undefined;
}

/**
 * The address the request came from: the socket's, or behind `proxyHops` trusted proxies
 * (TRUST_PROXY) the one they forwarded.
 */
export function clientIp(c: Context, proxyHops: number): string | undefined {
  const forwarded = forwardedClient(c.req.header('X-Forwarded-For'), proxyHops);
  if (forwarded) return forwarded;
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // app.request() in tests has no socket.
    return undefined;
  }
}

/** The eight groups of an IPv6 address, `::` expanded. */
function ipv6Groups(ip: string): string[] {
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  return ip.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
}

const ipv6Prefix = (ip: string, groups: number) =>
  `${ipv6Groups(ip)
    .slice(0, groups)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::`;

/** An IPv4 address however written (an IPv6 form ending in dotted IPv4 included), else as is. */
const unmapped = (ip: string) => (ip.includes('.') ? ip.slice(ip.lastIndexOf(':') + 1) : ip);

/**
 * The IPv4 address a 6to4 address (2002::/16) carries in its next 32 bits, whole: its /48 is
 * the visitor's IPv4 address.
 */
function sixToFourIpv4(ip: string): string | undefined {
  const [prefix, high = 0, low = 0] = ipv6Groups(ip).map((g) => Number.parseInt(g, 16));
  if (prefix !== 0x2002) return undefined;
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Keeps the network, never the host: IPv4 (also inside 6to4) to /24, IPv6 to /48. */
export function truncateIp(ip: string | undefined): string | null {
  if (!ip || !isIP(ip)) return null;
  const address = (isIP(ip) === 6 && sixToFourIpv4(ip)) || unmapped(ip);
  if (isIP(address) === 4) return `${address.split('.').slice(0, 3).join('.')}.0`;
  return ipv6Prefix(address, 3);
}

/**
 * Whose rate-limit bucket a request spends: an IPv4 address, or an IPv6 address's /64, the
 * block a single subscriber gets (per address, one host could take a fresh bucket per request).
 */
export function rateLimitKey(ip: string): string {
  const address = unmapped(ip);
  return isIP(address) === 6 ? ipv6Prefix(address, 4) : address;
}
