// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
const CONTROL = /[\x00-\x1f]/g;

/**
 * Text without control characters. The segment engine reads stored events packed as text with
 * \x1f between fields and \x1e inside its context field (catch-up-batch.ts, context-facts.ts):
 * one inside a value would shift every later field of the batch.
 */
export const withoutControlChars = (text: string) => text.replace(CONTROL, '');
