/** Limits enforced by the collector and respected by the SDK's batching. */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;
export const MAX_BATCH_EVENTS = 2000;
/** Browsers cap the bodies of all in-flight keepalive requests at 64 KiB together. */
export const KEEPALIVE_BYTES = 60 * 1024;
