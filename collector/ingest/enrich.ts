import { isIP } from 'node:net';
import { truncateIp } from './client-ip.js';
import { withoutControlChars } from './control-chars.js';
import type { IngestRequest } from './filters.js';
import type { Sender } from './sender.js';
import { deviceOf } from './user-agent.js';
import type { ValidEvent } from './validate.js';

export interface Enrichment {
  deviceType: string | null;
  os: string | null;
  browser: string | null;
  locale: string | null;
  ipTruncated: string | null;
  /** The event's context with `ip` removed: a whole address is never stored. */
  context: Record<string, unknown> | null;
}

/**
 * The device's user agent: the one the event carries (SDKs and relaying servers put it in
 * `context.userAgent`), else the request's own when a browser sent it. A server library's
 * user agent (analytics-node, curl) describes no device, so it is neither parsed nor bot-checked.
 */
export function userAgentOf(event: ValidEvent, req: Sender): string | undefined {
  const fromContext = event.context?.userAgent;
  return typeof fromContext === 'string' ? fromContext : req.userAgent;
}

function localeOf(event: ValidEvent, req: Sender): string | null {
  const fromContext = event.context?.locale;
  const raw = typeof fromContext === 'string' ? fromContext : req.acceptLanguage?.split(/[,;]/)[0];
  const locale = raw && withoutControlChars(raw).trim().slice(0, 35);
  return locale || null;
}

export function enrich(event: ValidEvent, req: IngestRequest): Enrichment {
  const device = deviceOf(userAgentOf(event, req));
  let context = event.context ?? null;
  let ipTruncated = req.ipTruncated;
  if (context && 'ip' in context) {
    // A relaying server names the visitor's address in context.ip (Segment's convention).
    if (typeof context.ip === 'string' && isIP(context.ip)) ipTruncated = truncateIp(context.ip);
    const { ip: _dropped, ...rest } = context;
    context = rest;
  }
  return {
    deviceType: device.deviceType,
    os: device.os,
    browser: device.browser,
    locale: localeOf(event, req),
    ipTruncated,
    context,
  };
}
