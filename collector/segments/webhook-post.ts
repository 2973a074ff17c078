import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Resolves the host for the socket: where the webhook URL guard refuses addresses. */
  lookup?: LookupFunction;
}

/**
 * One POST, answered with the response status. Redirects are not followed (a 3xx counts as a
 * failure): a receiver must not be able to bounce the request to an address the guard refuses.
 */
export function postJson(url: string, body: string, o: PostOptions): Promise<number> {
  const request = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...o.headers, 'Content-Length': Buffer.byteLength(body) },
        lookup: o.lookup,
        signal: AbortSignal.timeout(o.timeoutMs),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
