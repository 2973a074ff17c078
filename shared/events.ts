/**
 * The event vocabulary: TikTok's standard events are our first-class names; Segment's
 * e-commerce and B2B spec names are accepted and mapped onto them.
 */
export const STANDARD_EVENTS = [
  'ViewContent',
  'AddToCart',
  'AddToWishlist',
  'InitiateCheckout',
  'AddPaymentInfo',
  'PlaceAnOrder',
  'Purchase',
  'CompletePayment',
  'CompleteRegistration',
  'Search',
  'Subscribe',
  'Contact',
  'Download',
  'StartTrial',
  'SubmitForm',
  'Lead',
  'ClickButton',
  'Schedule',
  'FindLocation',
  'CustomizeProduct',
  'SubmitApplication',
  'ApplicationApproval',
] as const;
export type StandardEvent = (typeof STANDARD_EVENTS)[number];

/** One line of `contents`, as TikTok (and Meta's `contents`) define it. */
export interface ContentItem {
  content_id: string;
  content_name?: string;
  content_category?: string;
  quantity?: number;
  price?: number;
}

export interface StandardProperties {
  contents?: ContentItem[];
  content_type?: 'product' | 'product_group';
  /** Total value of the event, in `currency`. */
  value?: number;
  /** ISO 4217, upper case (`EUR`). */
  currency?: string;
  /** The search string, for `Search`. */
  query?: string;
  description?: string;
  order_id?: string;
  [key: string]: unknown;
}

/**
 * Segment spec name → TikTok standard name. The SDK sends the standard name as `event` and
 * keeps the name the site used in `properties.original_event`, so segments and ad-platform
 * forwarding see one vocabulary while nothing the site sent is lost.
 */
export const SEGMENT_EVENT_MAP: Record<string, StandardEvent> = {
  'Products Searched': 'Search',
  'Product Viewed': 'ViewContent',
  'Product Added': 'AddToCart',
  'Product Added to Wishlist': 'AddToWishlist',
  'Checkout Started': 'InitiateCheckout',
  'Payment Info Entered': 'AddPaymentInfo',
  'Order Completed': 'Purchase',
  'Signed Up': 'CompleteRegistration',
  'Trial Started': 'StartTrial',
  'Form Submitted': 'SubmitForm',
  Subscribed: 'Subscribe',
};

/** Events about goods changing hands: they need `value` + `currency` to count as revenue. */
const VALUED: readonly string[] = [
  'AddToCart',
  'InitiateCheckout',
  'PlaceAnOrder',
  'Purchase',
  'CompletePayment',
];

/**
 * What is wrong with an event's standard properties (empty when nothing is); the SDK prints
 * these in debug mode and never drops the event. `value`, `currency` and `contents` mean the
 * same on every event, so they are checked wherever they appear.
 */
export function standardEventProblems(event: string, p: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const has = (key: string) => p[key] !== undefined;
  if (has('value') && typeof p.value !== 'number') problems.push('value: number');
  if (has('currency') && !/^[A-Z]{3}$/.test(String(p.currency)))
    problems.push('currency: ISO 4217');
  if (VALUED.includes(event) && !(has('value') && has('currency')))
    problems.push('value+currency needed');
  if (has('contents') && !(Array.isArray(p.contents) && p.contents.every((c) => c?.content_id)))
    problems.push('contents: [{content_id}]');
  if (event === 'Search' && !has('query')) problems.push('query needed');
  return problems;
}

type Props = Record<string, unknown>;

// Undefined fields vanish when the event is serialised.
const content = (p: Props): ContentItem => ({
  content_id: String(p.product_id ?? p.sku ?? p.content_id),
  content_name: p.name as string | undefined,
  quantity: p.quantity as number | undefined,
  price: p.price as number | undefined,
});

/**
 * Maps a Segment spec event onto its standard name and properties: `products[]` (or a
 * single product's `product_id`, `name`, `price`, `quantity`) become `contents`, and
 * `total` / `revenue` become `value`. The site's own properties are all kept.
 */
export function toStandardEvent(
  event: string,
  properties: Props,
): { event: string; properties: Props } {
  const standard = SEGMENT_EVENT_MAP[event];
  if (!standard) return { event, properties };
  const p: Props = { ...properties, original_event: event };
  if (p.contents === undefined) {
    if (Array.isArray(p.products)) p.contents = (p.products as Props[]).map(content);
    else if (p.product_id !== undefined || p.sku !== undefined) p.contents = [content(p)];
  }
  p.value ??=
    p.total ??
    p.revenue ??
    (typeof p.price === 'number' ? p.price * ((p.quantity as number) ?? 1) : undefined);
  if (typeof p.currency === 'string') p.currency = p.currency.toUpperCase();
  return { event: standard, properties: p };
}
