import type { Campaign } from '../shared/wire.js';
import { localGet, localSet } from './local.js';

/** Query parameters read into `context.campaign`: `utm_*` and the ad click ids. */
const PARAMS =
  'utm_source utm_medium utm_campaign utm_term utm_content ttclid fbclid gclid msclkid';
const FIRST = 'cf';
const LAST = 'cl';

/** `utm_*` (Segment's `context.campaign` shape: utm_campaign → name) and ad click ids. */
export function parseCampaign(search: string): Campaign | undefined {
  const query = new URLSearchParams(search);
  const campaign: Campaign = {};
  for (const param of PARAMS.split(' ')) {
    const value = query.get(param);
    if (value) campaign[param === 'utm_campaign' ? 'name' : param.replace('utm_', '')] = value;
  }
  return Object.keys(campaign).length ? campaign : undefined;
}

export interface Touches {
  /** Last touch: the most recent landing that carried campaign parameters. */
  campaign?: Campaign;
  /** First touch: the first such landing this browser saw. */
  firstCampaign?: Campaign;
}

/**
 * Records a page's campaign, if it has one, as the last touch (and the first touch when
 * there was none), and returns the touches events carry; pages without campaign parameters
 * keep the touches from before.
 */
export function landingTouches(search: string): Touches {
  const campaign = parseCampaign(search);
  if (campaign) {
    localSet(LAST, campaign);
    if (!localGet(FIRST)) localSet(FIRST, campaign);
  }
  // Touches never recorded stay undefined: the event's JSON copy leaves them out.
  return { campaign: localGet(LAST), firstCampaign: localGet(FIRST) };
}

/** Forgets both touches: the next person on the device did not come from them. */
export function forgetTouches(): Touches {
  localSet(FIRST);
  localSet(LAST);
  return {};
}
