import type { Client } from '@libsql/client';
import { CONSENT_CATEGORIES, type ConsentCategory } from '../../shared/consent.js';
import { PURCHASE_EVENTS } from '../segments/templates.js';
import { DAY_OF, daysOf, num, type Scope, scopeWhere, VISITOR } from './scope.js';

export interface Overview {
  events: number;
  visitors: number;
  pageviews: number;
  purchases: number;
  /** Visitors with at least one purchase (PURCHASE_EVENTS). */
  purchasers: number;
  /** purchasers / visitors, 0..1. */
  conversionRate: number;
  /** Sum of purchase amounts (`value`, `total` or `revenue`), per currency (most first). */
  revenue: { currency: string; amount: number }[];
  daily: { day: string; events: number; visitors: number }[];
  topEvents: { name: string; count: number }[];
  topSources: UtmRow[];
  topCampaigns: UtmRow[];
  consent: ConsentRates;
}

export interface UtmRow {
  name: string;
  visitors: number;
  events: number;
}

export interface ConsentRates {
  /** `records`: latest consent record per visitor; `events`: latest consent stamp per visitor. */
  basis: 'records' | 'events' | 'none';
  decisions: number;
  rates: { category: ConsentCategory; granted: number; rate: number }[];
}

const OPTIONAL = CONSENT_CATEGORIES.filter((c) => c !== 'necessary');
const TOP = 10;
/** Page and screen views keep their name in `event` too: only a track is a purchase. */
const PURCHASE = `(type = 'track' AND event IN (${PURCHASE_EVENTS.map((n) => `'${n}'`).join(', ')}))`;
/**
 * A purchase's amount: `value`, else Segment's `total`, else `revenue` (server-side libraries
 * send spec names unmapped), in the SDK's order of preference; the first that is a number.
 */
const AMOUNT = `CASE ${['value', 'total', 'revenue']
  .map(
    (k) =>
      `WHEN json_type(properties, '$.${k}') IN ('integer', 'real') THEN json_extract(properties, '$.${k}')`,
  )
  .join(' ')} END`;

/** Runs `sql` with `$SCOPE` replaced by the scope's conditions on `events`. */
async function rows(client: Client, sql: string, scope: Scope) {
  const where = scopeWhere(scope);
  return (await client.execute({ sql: sql.replaceAll('$SCOPE', where.sql), args: where.args }))
    .rows;
}

async function totals(client: Client, scope: Scope) {
  const [t] = await rows(
    client,
    `SELECT count(*) AS events,
            count(DISTINCT ${VISITOR}) AS visitors,
            sum(type = 'page') AS pageviews,
            sum(${PURCHASE}) AS purchases,
            count(DISTINCT CASE WHEN ${PURCHASE} THEN ${VISITOR} END) AS purchasers
       FROM events WHERE $SCOPE`,
    scope,
  );
  return {
    events: num(t?.events),
    visitors: num(t?.visitors),
    pageviews: num(t?.pageviews),
    purchases: num(t?.purchases),
    purchasers: num(t?.purchasers),
  };
}

async function revenue(client: Client, scope: Scope) {
  const r = await rows(
    client,
    `SELECT currency, total(paid) AS amount FROM (
       SELECT coalesce(upper(json_extract(properties, '$.currency')), '') AS currency,
              ${AMOUNT} AS paid
         FROM events WHERE $SCOPE AND ${PURCHASE}
     ) WHERE paid IS NOT NULL GROUP BY 1 ORDER BY amount DESC`,
    scope,
  );
  return r.map((x) => ({ currency: String(x.currency), amount: num(x.amount) }));
}

async function daily(client: Client, scope: Scope) {
  const r = await rows(
    client,
    `SELECT ${DAY_OF('timestamp')} AS day, count(*) AS events, count(DISTINCT ${VISITOR}) AS visitors
       FROM events WHERE $SCOPE GROUP BY 1`,
    scope,
  );
  const byDay = new Map(r.map((x) => [String(x.day), x]));
  return daysOf(scope).map((day) => ({
    day,
    events: num(byDay.get(day)?.events),
    visitors: num(byDay.get(day)?.visitors),
  }));
}

async function topEvents(client: Client, scope: Scope) {
  const r = await rows(
    client,
    `SELECT CASE WHEN type = 'track' THEN event ELSE type END AS name, count(*) AS count
       FROM events WHERE $SCOPE GROUP BY 1 ORDER BY count DESC, name LIMIT ${TOP}`,
    scope,
  );
  return r.map((x) => ({ name: String(x.name), count: num(x.count) }));
}

async function topUtm(client: Client, scope: Scope, field: 'source' | 'name') {
  const r = await rows(
    client,
    `SELECT json_extract(context, '$.campaign.${field}') AS name,
            count(DISTINCT ${VISITOR}) AS visitors, count(*) AS events
       FROM events WHERE $SCOPE AND name IS NOT NULL AND name != ''
      GROUP BY 1 ORDER BY visitors DESC, events DESC, name LIMIT ${TOP}`,
    scope,
  );
  return r.map((x) => ({ name: String(x.name), visitors: num(x.visitors), events: num(x.events) }));
}

const grantedColumns = (json: string) =>
  OPTIONAL.map((c) => `sum(coalesce(json_extract(${json}, '$.${c}'), 0) = 1) AS ${c}`).join(', ');

function toRates(basis: ConsentRates['basis'], row: Record<string, unknown> | undefined) {
  const decisions = num(row?.decisions);
  return {
    basis: decisions ? basis : 'none',
    decisions,
    rates: OPTIONAL.map((category) => {
      const granted = num(row?.[category]);
      return { category, granted, rate: decisions ? granted / decisions : 0 };
    }),
  } satisfies ConsentRates;
}

/**
 * A consent record's visitor: its anonymous or user id; a record without either (the SDK sends
 * a refusal without the anonymous id) is the visitor's whose record of the same id named one.
 */
const RECORD_VISITOR = `coalesce(anonymous_id, user_id, (SELECT o.anonymous_id FROM consent_records o
  WHERE o.source_id = c.source_id AND o.id = c.id AND o.anonymous_id IS NOT NULL
  ORDER BY o.given_at DESC LIMIT 1), id)`;

/**
 * Opt-in rate per category over each visitor's latest decision in the range: from the
 * consent records when there are any, otherwise from the consent stamped on events.
 */
export async function consentRates(client: Client, scope: Scope): Promise<ConsentRates> {
  const where = scopeWhere(scope, 'given_at');
  const records = await client.execute({
    sql: `SELECT count(*) AS decisions, ${grantedColumns('categories')} FROM (
            SELECT categories, row_number() OVER (
              PARTITION BY source_id, ${RECORD_VISITOR} ORDER BY given_at DESC, seq DESC
            ) AS n FROM consent_records AS c WHERE ${where.sql}
          ) WHERE n = 1`,
    args: where.args,
  });
  if (num(records.rows[0]?.decisions) > 0) return toRates('records', records.rows[0]);
  const [stamped] = await rows(
    client,
    `SELECT count(*) AS decisions, ${grantedColumns('prefs')} FROM (
       SELECT json_extract(context, '$.consent.categoryPreferences') AS prefs, row_number() OVER (
         PARTITION BY source_id, ${VISITOR} ORDER BY timestamp DESC, seq DESC
       ) AS n FROM events
       WHERE $SCOPE AND json_type(context, '$.consent.categoryPreferences') = 'object'
     ) WHERE n = 1`,
    scope,
  );
  return toRates('events', stamped);
}

/** Everything the overview page shows, for one source (or all) over a range of days. */
export async function overviewReport(client: Client, scope: Scope): Promise<Overview> {
  const t = await totals(client, scope);
  return {
    ...t,
    conversionRate: t.visitors ? t.purchasers / t.visitors : 0,
    revenue: await revenue(client, scope),
    daily: await daily(client, scope),
    topEvents: await topEvents(client, scope),
    topSources: await topUtm(client, scope, 'source'),
    topCampaigns: await topUtm(client, scope, 'name'),
    consent: await consentRates(client, scope),
  };
}
