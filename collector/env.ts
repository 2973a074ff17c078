import { z } from 'zod';

/** `NAME=` with nothing after it means unset, as a compose file or shell leaves it. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/**
 * A decimal number, `fallback` when unset or blank. Anything else (hex, words) is refused
 * rather than coerced: `Number('')` would be 0, which turns a rate limit off.
 */
const decimal = (schema: z.ZodNumber, fallback: number) =>
  z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    const s = v.trim();
    if (s === '') return undefined;
    return /^\d+(\.\d+)?$/.test(s) ? Number(s) : v;
  }, schema.default(fallback));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: decimal(z.number().int().min(0).max(65535), 3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().default('file:./data/segmently.db'),
  DATABASE_AUTH_TOKEN: optional(z.string()),
  SEGMENTLY_ADMIN_TOKEN: optional(z.string().min(16)),
  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: optional(z.string().min(16)),
  /** Public origin printed at start and used in links, e.g. https://collect.example.com */
  PUBLIC_URL: optional(z.url()),
  /**
   * Take the client IP from X-Forwarded-For, as the given number of proxies in front wrote it
   * (only behind proxies that append to it): `true` = 1, `false` = 0.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, 'Expected true, false or a number of proxies')
    .default('false')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v))),
  /** Token bucket per source, in events: refill per second and bucket size. 0 = no limit. */
  RATE_LIMIT_SOURCE_EVENTS_PER_SEC: decimal(z.number().min(0), 20_000),
  RATE_LIMIT_SOURCE_BURST: decimal(z.number().min(1), 200_000),
  /** Token bucket per client IP, in requests: refill per second and bucket size. 0 = no limit. */
  RATE_LIMIT_IP_REQUESTS_PER_SEC: decimal(z.number().min(0), 1_000),
  RATE_LIMIT_IP_BURST: decimal(z.number().min(1), 5_000),
  /**
   * Segment webhooks may use http and reach loopback, private, link-local and unique-local
   * addresses (local development, receivers on the operator's own network). Off: https only,
   * public addresses only, checked on save and again on every delivery.
   */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /**
   * How often the retention job deletes events older than each source's retentionDays. At
   * most ~24.8 days: a longer timer overflows and Node runs it every millisecond.
   */
  RETENTION_INTERVAL_MINUTES: decimal(z.number().min(1).max(35_791), 60),
  /**
   * How long a shutdown may take before the process gives up and exits 1. Below the 30 s
   * Kubernetes waits before SIGKILL, so the log says what happened.
   */
  SHUTDOWN_TIMEOUT_SECONDS: decimal(z.number().min(1).max(3600), 25),
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
