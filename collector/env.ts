import { z } from 'zod';

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().default('file:./data/segmently.db'),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  SEGMENTLY_ADMIN_TOKEN: z.string().min(16).optional(),
  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Public origin printed at start and used in links, e.g. https://collect.example.com */
  PUBLIC_URL: z.url().optional(),
  /** Take the client IP from X-Forwarded-For (only behind a proxy that sets it). */
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Token bucket per source, in events: refill per second and bucket size. 0 = no limit. */
  RATE_LIMIT_SOURCE_EVENTS_PER_SEC: z.coerce.number().min(0).default(20_000),
  RATE_LIMIT_SOURCE_BURST: z.coerce.number().min(1).default(200_000),
  /** Token bucket per client IP, in requests: refill per second and bucket size. 0 = no limit. */
  RATE_LIMIT_IP_REQUESTS_PER_SEC: z.coerce.number().min(0).default(1_000),
  RATE_LIMIT_IP_BURST: z.coerce.number().min(1).default(5_000),
  /**
   * Segment webhooks may use http and reach loopback, private, link-local and unique-local
   * addresses (local development, receivers on the operator's own network). Off: https only,
   * public addresses only, checked on save and again on every delivery.
   */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** How often the retention job deletes events older than each source's retentionDays. */
  RETENTION_INTERVAL_MINUTES: z.coerce.number().min(1).default(60),
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
