/**
 * `GET /v1/me/segments` — the visitor's own segments, for per-segment UTM tagging in the
 * browser. Contract between the SDK (sdk/utm.ts) and the collector (segments issue).
 *
 * Request: `GET /v1/me/segments?writeKey=<write key>&anonymousId=<anonymous id>`; a
 * CORS-simple GET with no credentials and no custom headers. Only the anonymous id is
 * accepted (a random UUID the visitor holds): never a user id, which could be guessed.
 * The SDK asks only when personalization or marketing consent is granted.
 *
 * 200: `MeSegmentsResponse`, `Cache-Control: private, max-age=60`,
 * `Access-Control-Allow-Origin` for the source's allowed origins (as for ingest: a source
 * without any answers only the collector's own pages, the same ones that may send it events).
 * It lists the segments the visitor is currently a member of and that have a UTM template,
 * oldest segment first (first = the one `utm.tag(url)` uses); membership of a
 * segment without a template is not revealed. An unknown anonymous id gets `{segments: []}`.
 * 400 `missing_anonymous_id` / 401 `missing_write_key` | `invalid_write_key`, in the
 * collector's one error shape.
 */
export const ME_SEGMENTS_PATH = '/v1/me/segments';

/** The UTM parameters a segment's template sets on a link; only those given are set. */
export interface UtmTemplate {
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_content?: string;
  utm_term?: string;
}

export interface MeSegment {
  /** Stable segment key, e.g. `cart-abandoners`. */
  key: string;
  utm: UtmTemplate;
}

export interface MeSegmentsResponse {
  segments: MeSegment[];
}
