import { Hono } from 'hono';
import { parseWith } from '../admin/parse-json.js';
import { consentRecords } from '../db/schema.js';
import type { AppDeps } from '../deps.js';
import { authenticateSource } from '../ingest/auth.js';
import { readJsonBody } from '../ingest/body.js';
import { clientIp, truncateIp } from '../ingest/client-ip.js';
import { checkOrigin } from '../ingest/cors.js';
import { ConsentRecordBody } from './record-body.js';

const MAX_CONSENT_BYTES = 8 * 1024;

/**
 * `POST /v1/consent`: appends one decision to `consent_records` (never updated, so the log
 * proves what was chosen when). Authenticated by write key exactly like ingest.
 */
export function consentRoutes({ database, sources, now, ingest }: AppDeps) {
  const app = new Hono();
  app.post('/v1/consent', async (c) => {
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
    await database.db.insert(consentRecords).values({
      id: input.id,
      sourceId: source.id,
      anonymousId: input.anonymousId,
      userId: input.userId,
      categories,
      revision: input.revision,
      decisionSource: input.source,
      policyVersion: input.policyVersion,
      language: input.language,
      gpc,
      userAgent: c.req.header('User-Agent')?.slice(0, 512),
      ipTruncated: truncateIp(clientIp(c, ingest.trustProxy)),
      givenAt: input.givenAt,
      expiresAt: input.expiresAt,
      receivedAt: now(),
    });
    return c.json({ id: input.id, categories }, 201);
  });
  return app;
}
