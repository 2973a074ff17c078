import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { ApiError } from '../errors.js';

/**
 * Reads a request body as JSON whatever its content type (sendBeacon and analytics.js send
 * text/plain), inflating gzip, and refusing anything larger than `maxBytes` once inflated.
 */
export async function readJsonBody(
  c: Context,
  maxBytes: number,
): Promise<{ json: unknown; bytes: number }> {
  const declared = Number(c.req.header('Content-Length'));
  if (declared > maxBytes) throw tooLarge(maxBytes);
  let bytes: Buffer = Buffer.from(await c.req.arrayBuffer());
  const encoding = c.req.header('Content-Encoding')?.toLowerCase();
  if (encoding === 'gzip') {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes + 1 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
      throw new ApiError(400, 'invalid_encoding', 'Body is not valid gzip');
    }
  } else if (encoding && encoding !== 'identity') {
    throw new ApiError(
      415,
      'unsupported_encoding',
      `Content-Encoding ${encoding} is not supported`,
    );
  }
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  if (bytes.length === 0) throw new ApiError(400, 'empty_body', 'Request body is empty');
  try {
    return { json: JSON.parse(utf8.decode(bytes)), bytes: bytes.length };
  } catch {
    throw new ApiError(400, 'invalid_json', 'Body is not valid UTF-8 JSON');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function tooLarge(maxBytes: number) {
  return new ApiError(413, 'payload_too_large', `Body exceeds ${maxBytes} bytes`);
}
