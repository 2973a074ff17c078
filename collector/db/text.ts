import type { z } from 'zod';

/**
 * The schema's strings without NUL: libsql reads text back only up to one, so "Shop\0 EU"
 * would be stored whole and read as "Shop".
 */
export const withoutNul = <T extends z.ZodString | z.ZodURL>(schema: T): T =>
  schema.regex(/^[^\0]*$/, 'must not contain NUL characters') as T;
