import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../shared/wire.js';

/** An error with a stable machine-readable code; the one error type routes throw. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** What a log line says of a failure: its stack when it has one. */
export const stackOf = (err: unknown) => String(err instanceof Error ? (err.stack ?? err) : err);

/** The app's one onError: every failure leaves as `{error:{code,message,details?}}`. */
export function handleError(err: Error, c: Context, log: (msg: string, extra?: object) => void) {
  if (err instanceof ApiError) {
    if (err.cause) log('request failed', { code: err.code, error: stackOf(err.cause) });
    for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  }
  if (err instanceof HTTPException) {
    const code = err.status === 401 ? 'unauthorized' : `http_${err.status}`;
    return c.json(errorBody(code, err.message || 'Request failed'), err.status);
  }
  log('unhandled error', { error: stackOf(err) });
  return c.json(errorBody('internal_error', 'Internal server error'), 500);
}
