import { bodyLimit } from 'hono/body-limit';
import { tooLarge } from '../ingest/body.js';

/** Dashboard forms (sign-in, segment editor): a few KB each. */
export const MAX_FORM_BYTES = 64 * 1024;
/** Admin API bodies (sources, segment definitions). */
export const MAX_ADMIN_BODY_BYTES = 1024 * 1024;

/**
 * Refuses a body over `maxBytes` with 413 payload_too_large, by its Content-Length or, without
 * one, while it streams in: read whole first, one request could fill the memory (the sign-in
 * form needs no credentials to post).
 */
export const limitBody = (maxBytes: number) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
