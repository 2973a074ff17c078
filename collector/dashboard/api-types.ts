import type { Rule, UtmTemplate } from '../../shared/segment-rules.js';
import type { TrendDay } from './segment-trend.js';

/** The marketer API's JSON, as the dashboard reads it. */
export interface SegmentView {
  id: string;
  sourceId: string;
  key: string;
  name: string;
  description: string | null;
  rule: Rule;
  reentryAfter: string | null;
  utm: UtmTemplate | null;
  webhook: { url: string; secret: string | null } | null;
  template: string | null;
  createdAt: string;
  updatedAt: string;
  lastComputedAt: string | null;
  lastError: string | null;
  recompute: { done: number; total: number } | null;
  size?: number;
}

export interface SegmentDetail extends SegmentView {
  size: number;
  trend: TrendDay[];
}

export interface Preview {
  count: number;
  total: number;
  sample: string[];
}

export interface Delivery {
  id: number;
  profileId: string;
  kind: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

export interface Overlap {
  a: { key: string; size: number };
  b: { key: string; size: number };
  both: number;
}

export interface ProfileSegments {
  profileId: string;
  segments: string[];
  history: {
    segment: string;
    enteredAt: string;
    exitedAt: string | null;
    exitReason: string | null;
  }[];
}
