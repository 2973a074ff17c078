import { type AudienceOptions, audienceHashes, audienceHeader, audienceLine } from '../audience.js';
import type { SegmentQueries } from '../queries.js';
import type { SegmentRow } from '../segment-store.js';

const PAGE = 2000;
const FORMATS = {
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
  ndjson: { type: 'application/x-ndjson', ext: 'ndjson' },
  audience: { type: 'text/csv; charset=utf-8', ext: 'csv' },
} as const;

/**
 * One CSV cell. Ids come from browsers, so a cell that a spreadsheet would run as a formula
 * (leading = + - @, tab or CR) is prefixed with an apostrophe (OWASP's CSV-injection advice).
 */
export const csvCell = (v: unknown) => {
  const raw = v === undefined || v === null ? '' : String(v);
  const s = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** What an audience file needs to know of consent besides each member's own. */
export interface AudienceConsent {
  /** The source requires consent on every event (sources.require_consent). */
  required: boolean;
  now: number;
}

/**
 * Streams a segment's current members page by page (each page a short query, so a large
 * export never holds the database for long): CSV, NDJSON, or a custom-audience file with
 * one SHA-256 of an e-mail or phone normalised for `audience.platform` per line, in the
 * e-mail or phone column of the header row that platform's upload expects.
 *
 * An audience file is marketing use, so it holds only members whose latest known consent
 * grants marketing; a member with no consent known at all is, as at ingest, the sender's
 * responsibility and included, unless the source requires consent.
 */
export function exportResponse(
  queries: SegmentQueries,
  segment: SegmentRow,
  format: keyof typeof FORMATS,
  audience: AudienceOptions,
  consent: AudienceConsent,
): Response {
  const encoder = new TextEncoder();
  let cursor = 0;
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const page = await queries.members(segment.id, cursor, PAGE);
      let out = '';
      if (!started && format === 'csv') out += 'profile_id,user_id,anonymous_id,entered_at\n';
      if (!started && format === 'audience') out += `${audienceHeader(audience.platform)}\n`;
      started = true;
      if (format === 'audience') {
        const ids = page.map((m) => m.profileId);
        const marketing = await queries.marketingConsentOf(segment.sourceId, ids, consent.now);
        const allowed = ids.filter((id) => marketing.get(id) ?? !consent.required);
        const traits = await queries.traitsOf(segment.sourceId, allowed);
        for (const id of allowed)
          for (const h of audienceHashes(traits.get(id) ?? {}, audience))
            out += `${audienceLine(h)}\n`;
      } else {
        for (const { cursor: _, ...m } of page) {
          out +=
            format === 'csv'
              ? `${[m.profileId, m.userId, m.anonymousId, m.enteredAt].map(csvCell).join(',')}\n`
              : `${JSON.stringify(m)}\n`;
        }
      }
      if (out) controller.enqueue(encoder.encode(out));
      if (page.length < PAGE) controller.close();
      else cursor = page[page.length - 1]?.cursor ?? cursor;
    },
  });
  const { type, ext } = FORMATS[format];
  const suffix = format === 'audience' && audience.platform === 'tiktok' ? '-tiktok' : '';
  return new Response(stream, {
    headers: {
      'Content-Type': type,
      'Content-Disposition': `attachment; filename="${segment.key}${suffix}.${ext}"`,
    },
  });
}
