/**
 * `GET /v1/p.gif?d=<base64url of a /v1/batch body or of one event>`: for `<noscript>` and
 * browsers without fetch and sendBeacon. Always answers a 1×1 GIF; see README.
 */
export const PIXEL_PATH = '/v1/p.gif';
/** Longest `d` the collector reads (URLs stay far below servers' header limits). */
export const PIXEL_MAX_PARAM = 12 * 1024;
/** JSON bytes per pixel request, so that base64url (×4/3) stays within PIXEL_MAX_PARAM. */
export const PIXEL_JSON_BYTES = 8 * 1024;
