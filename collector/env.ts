import { z } from 'zod';

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().default('file:./data/segmently.db'),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  SEGMENTLY_ADMIN_TOKEN: z.string().min(16).optional(),
  /** Public origin printed at start and used in links, e.g. https://collect.example.com */
  PUBLIC_URL: z.url().optional(),
});

export type Env = z.infer<typeof EnvSchema>;

/** Parsed once at start; a bad value stops the process with a readable message. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    throw new Error(`Invalid environment:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}
