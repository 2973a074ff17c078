import { Hono } from 'hono';
import { parseWith } from '../admin/parse-json.js';
import type { AppDeps } from '../deps.js';
import { authenticateSource } from '../ingest/auth.js';
import { awaitCommit } from '../ingest/await-commit.js';
import { readJsonBody } from '../ingest/body.js';
import { truncateIp } from '../ingest/client-ip.js';
import { checkOrigin } from '../ingest/cors.js';
import { anySuppressed } from '../ingest/filters.js';
import type { RequestLimits } from '../ingest/request-limits.js';
import type { ConsentRow } from '../ingest/writer.js';
import { ConsentRecordBody } from './record-body.js';

const MAX_CONSENT_BYTES = 8 * 1024;

/**
 * `POST /v1/consent`: appends one decision to `consent_records` (never updated, so the log
 * proves what was chosen when). Authenticated by write key exactly like ingest, and committed
 * by the same group-commit writer as events: answered once the record is durable. A decision
 * re-sent (same id and givenAt) is answered alike and stored once.
 */
export function consentRoutes(
  { sources, writer, now, suppressions, metrics }: AppDeps,
  { limitConsentIp }: RequestLimits,
) {
  const app = new Hono();
  const dropped = metrics.counter(
    'segmently_consent_records_dropped_total',
    'Consent decisions answered but not stored, by reason',
  );
  app.post('/v1/consent', async (c) => {
    const ip = limitConsentIp(c);
    const { json: body } = await readJsonBody(c, MAX_CONSENT_BYTES);
    const source = await authenticateSource(c, body, sources);
    checkOrigin(c, source);
    const input = parseWith(ConsentRecordBody, body);
    // The Sec-GPC header is the browser's opt-out of sale/sharing, like navigator's signal.
    const gpc = input.gpc || c.req.header('Sec-GPC') === '1';
    const categories = {
      ...input.categories,
      necessary: true,
      ...(gpc ? { marketing: false } : {}),
    };
    const row: ConsentRow = [
      input.id,
      source.id,
      input.anonymousId ?? null,
      input.userId ?? null,
      JSON.stringify(categories),
      input.revision,
      input.source,
      input.policyVersion ?? null,
      input.language ?? null,
      gpc ? 1 : 0,
      c.req.header('User-Agent')?.slice(0, 512) ?? null,
      truncateIp(ip),
      input.givenAt,
      input.expiresAt ?? null,
      now(),
    ];
    // Ids erased through the privacy API stay erased: answered alike, not stored.
    if (anySuppressed({ source, suppressions }, [input.anonymousId, input.userId])) {
      dropped.inc({ reason: 'suppressed' });
    } else {
      await awaitCommit(writer.write([], [], [row]));
    }
    return c.json({ id: input.id, categories }, 201);
  });
  return app;
}
