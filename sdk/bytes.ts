export const utf8 = (text: string) => new TextEncoder().encode(text);

/** Lower-case hex, two digits per byte. */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += (byte | 256).toString(16).slice(1);
  return hex;
}
