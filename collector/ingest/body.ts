import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { ApiError } from '../errors.js';

/**
 * A body without Content-Length (chunked), counted while it streams in and refused once past
 * `maxBytes` rather than read whole first. Only those: touching the body stream makes
 * @hono/node-server build a full Request (1 event/request: -50% req/s).
 */
async function readStreamed(c: Context, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = c.req.raw.body?.getReader();
  for (;;) {
    const read = await reader?.read();
    if (!read || read.done) return Buffer.concat(chunks, size);
    size += read.value.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(read.value);
  }
}

const streamed = (c: Context) =>
  c.req.header('Content-Length') === undefined || !!c.req.header('Transfer-Encoding');

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
  let bytes: Buffer = streamed(c)
    ? await readStreamed(c, maxBytes)
    : Buffer.from(await c.req.arrayBuffer());
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
    return { json: parseJsonText(utf8.decode(bytes)), bytes: bytes.length };
  } catch {
    throw new ApiError(400, 'invalid_json', 'Body is not valid UTF-8 JSON');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Only an escape (\ud800) can put a lone surrogate into JSON text: UTF-8 cannot hold one. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const wellFormed = (text: string) => text.replace(LONE_SURROGATE, '\ufffd');

/** Sets an own property (a plain assignment to `__proto__` would set the prototype). */
const setOwn = (node: object, key: string, value: unknown) =>
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });

/** Replaces lone surrogates in the strings and keys of parsed JSON, in place, at any depth. */
function withoutLoneSurrogates(json: unknown): unknown {
  if (typeof json === 'string') return wellFormed(json);
  const pending =
    typeof json === 'object' && json !== null ? [json as Record<string, unknown>] : [];
  for (let node = pending.pop(); node; node = pending.pop()) {
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (typeof value === 'string') setOwn(node, key, wellFormed(value));
      else if (typeof value === 'object' && value !== null) pending.push(value as typeof node);
      const fixed = wellFormed(key);
      if (fixed !== key) {
        setOwn(node, fixed, node[key]);
        delete node[key];
      }
    }
  }
  return json;
}

/**
 * JSON.parse, with lone surrogates replaced by U+FFFD. SQLite stores one (from an id bound
 * through json_each, or read with ->> out of a stored context) as bytes that are no UTF-8,
 * and libsql aborts the whole process when it reads them back.
 */
export function parseJsonText(text: string): unknown {
  const json = JSON.parse(text);
  return SURROGATE_ESCAPE.test(text) ? withoutLoneSurrogates(json) : json;
}

export function tooLarge(maxBytes: number) {
  return new ApiError(413, 'payload_too_large', `Body exceeds ${maxBytes} bytes`);
}
