import type { UtmTemplate } from '../../shared/segment-rules.js';
import { withUtm } from '../../shared/utm-query.js';

/** Adds the template's UTM parameters to a URL, replacing ones already there (see withUtm). */
export const tagUrl = (url: string, utm: UtmTemplate): string => withUtm(new URL(url), utm);
