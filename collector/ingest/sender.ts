/**
 * What a request's own headers say about the device that sent it, read once per request
 * (every event of a batch needs them).
 */
export interface Sender {
  /** The request's User-Agent when a browser sent it; a server library's describes no device. */
  userAgent: string | undefined;
  /** The request's Accept-Language when a browser sent it. */
  acceptLanguage: string | undefined;
  /** `Sec-GPC: 1`: the browser's Global Privacy Control signal, which denies marketing. */
  gpc: boolean;
}

/** A request that did not come over HTTP (a failed event replayed by the admin). */
export const NO_SENDER: Sender = { userAgent: undefined, acceptLanguage: undefined, gpc: false };

/**
 * `fromBrowser` says whether a browser sent the request; unset, the Origin header decides:
 * browsers name the page's origin on every POST (fetch, sendBeacon), server libraries do not.
 * (Sec-Fetch-Mode is no sign: Node's own fetch sends it.)
 */
export function senderOf(header: (name: string) => string | undefined, fromBrowser?: boolean) {
  const browser = fromBrowser ?? header('Origin') !== undefined;
  return {
    userAgent: browser ? header('User-Agent') : undefined,
    acceptLanguage: browser ? header('Accept-Language') : undefined,
    gpc: header('Sec-GPC') === '1',
  } satisfies Sender;
}
