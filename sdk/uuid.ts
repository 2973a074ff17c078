import { toHex } from './bytes.js';

let lastMs = 0;
let seq = 0;

/**
 * RFC 9562 UUIDv7: 48-bit millisecond time, then a 12-bit sequence so ids made in the same
 * millisecond still sort in creation order, then random bits. Time-ordered ids keep the
 * collector's unique index fast and let the queue sort by id.
 */
export function uuidv7(now = Date.now()): string {
  if (now <= lastMs) {
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs++;
    now = lastMs;
  } else {
    lastMs = now;
    seq = 0;
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 5, t = now; i >= 0; i--, t = Math.floor(t / 256)) b[i] = t % 256;
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = 0x80 | ((b[8] as number) & 0x3f);
  return toHex(b).replace(/(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}
