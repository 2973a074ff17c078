import type { Context } from 'hono';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { parseJsonText } from '../ingest/body.js';

/**
 * Parses an admin request's JSON body with a zod schema; failures are 400 invalid_request.
 * Lone surrogates become U+FFFD as in ingest bodies: a rule naming one matches what was stored.
 */
export async function parseJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = parseJsonText(await c.req.text());
  } catch {
    throw new ApiError(400, 'invalid_json', 'Body is not valid JSON');
  }
  return parseWith(schema, body);
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ApiError(400, 'invalid_request', z.prettifyError(result.error), result.error.issues);
  }
  return result.data;
}
