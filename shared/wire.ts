import type { ConsentContext } from './consent.js';

/** Segment-compatible message types. */
export const EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'alias', 'group'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type JsonObject = { [key: string]: unknown };

export interface Campaign {
  source?: string;
  medium?: string;
  name?: string;
  term?: string;
  content?: string;
  [clickId: string]: unknown;
}

export interface PageContext {
  url: string;
  path: string;
  referrer: string;
  title: string;
  search: string;
}

export interface EventContext {
  library?: { name: string; version: string };
  page?: PageContext;
  userAgent?: string;
  locale?: string;
  /** Last touch: the latest landing with `utm_*` or click ids. */
  campaign?: Campaign;
  /** First touch: the first such landing this browser saw. */
  firstCampaign?: Campaign;
  consent?: ConsentContext;
  session?: { id: string; start: string };
  [key: string]: unknown;
}

/** One event on the wire, as Segment's HTTP tracking API defines it. */
export interface WireEvent {
  type: EventType;
  messageId: string;
  anonymousId?: string;
  userId?: string;
  event?: string;
  name?: string;
  previousId?: string;
  groupId?: string;
  properties?: JsonObject;
  traits?: JsonObject;
  context?: EventContext;
  timestamp?: string;
  sentAt?: string;
}

export interface BatchBody {
  batch: WireEvent[];
  writeKey?: string;
  sentAt?: string;
  context?: EventContext;
}

export interface RejectedEvent {
  index: number;
  code: string;
  message: string;
}

export interface BatchResponse {
  accepted: number;
  rejected: RejectedEvent[];
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
