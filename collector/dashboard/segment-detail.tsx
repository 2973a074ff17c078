import type { MemberRow } from '../reports/segment-members.js';
import type { Delivery, Overlap, SegmentDetail, SegmentView } from './api-types.js';
import { DailyChart } from './charts.js';
import { DataTable } from './data-table.js';
import { profileHref } from './events-table.js';
import { fmtInt, fmtPct, fmtTime } from './format.js';
import { sizeHistory } from './segment-trend.js';
import { fmtChange, fmtIso, SegmentStatus } from './segments.js';

export const MEMBERS_PAGE = 25;

export interface DetailProps {
  segment: SegmentDetail;
  /** `?source=…` to keep on links. */
  query: string;
  csrf: string;
  members: { rows: MemberRow[]; total: number; page: number; search: string };
  others: SegmentView[];
  overlap?: Overlap;
  link?: { url: string; tagged?: string; error?: string };
  /** A webhook URL the API refused, shown on the form with the reason. */
  webhookError?: { url: string; error: string };
  deliveries: Delivery[];
  notice?: string;
}

/** Failed and refused deliveries want a look; pending and cancelled ones are neutral. */
const DELIVERY_BADGES: Record<string, string> = {
  delivered: 'good',
  failed: 'bad',
  refused: 'bad',
};

function Members({ p, base }: { p: DetailProps; base: string }) {
  const { rows, total, page, search } = p.members;
  const pages = Math.max(1, Math.ceil(total / MEMBERS_PAGE));
  const pageHref = (n: number) =>
    `${base}${p.query}${p.query ? '&' : '?'}${new URLSearchParams({ q: search, page: String(n) })}#members-h`;
  return (
    <section class="card" aria-labelledby="members-h">
      <h2 id="members-h">{`Members (${fmtInt(total)})`}</h2>
      <search>
        <form class="row" method="get" action={base}>
          {p.segment.sourceId && <input type="hidden" name="source" value={p.segment.sourceId} />}
          <label>
            Search profile id
            <input type="search" name="q" value={search} />
          </label>
          <button type="submit">Search</button>
        </form>
      </search>
      <DataTable id="members" columns={['Profile', 'Entered (UTC)']}>
        {rows.map((m) => (
          <tr>
            <td>
              <a
                class="mono"
                href={profileHref(m.profileId.replace(/^[ua]:/, ''), p.segment.sourceId)}
              >
                {m.profileId}
              </a>
            </td>
            <td class="mono">{fmtTime(m.enteredAt)}</td>
          </tr>
        ))}
      </DataTable>
      {rows.length === 0 && <p class="empty">No members{search ? ' match this search' : ''}.</p>}
      <nav class="pager" aria-label="Members pages">
        {page > 1 && <a href={pageHref(page - 1)}>← Previous</a>}
        <span>{`Page ${page} of ${pages}`}</span>
        {page < pages && <a href={pageHref(page + 1)}>Next →</a>}
      </nav>
    </section>
  );
}

export function SegmentDetailPage(p: DetailProps) {
  const s = p.segment;
  const base = `/app/segments/${encodeURIComponent(s.key)}`;
  const { sizes, change } = sizeHistory(s.trend, s.size);
  const days = s.trend.map((d) => d.day);
  const sum = (k: 'entered' | 'exited') => s.trend.reduce((n, d) => n + d[k], 0);
  const exportHref = (params: Record<string, string>) =>
    `${base}/export${p.query}${p.query ? '&' : '?'}${new URLSearchParams(params)}`;
  const utm = Object.entries(s.utm ?? {});
  return (
    <>
      {p.notice && (
        <p class="card ok" role="status">
          {p.notice}
        </p>
      )}
      <p class="note">{s.description ?? ''}</p>
      <dl class="kpis">
        <div class="kpi" id="kpi-size">
          <dt>Members now</dt>
          <dd>
            <span class="kpi-value">{fmtInt(s.size)}</span>
          </dd>
        </div>
        <div class="kpi">
          <dt>Change over 7 days</dt>
          <dd>
            <span class="kpi-value">{fmtChange(change)}</span>
          </dd>
        </div>
        <div class="kpi">
          <dt>Entered / exited (30 days)</dt>
          <dd>
            <span class="kpi-value">{`${fmtInt(sum('entered'))} / ${fmtInt(sum('exited'))}`}</span>
          </dd>
        </div>
        <div class="kpi">
          <dt>Last full recompute</dt>
          <dd>
            {fmtIso(s.lastComputedAt)} <SegmentStatus s={s} />
          </dd>
        </div>
      </dl>
      <div class="row actions">
        <a class="button" href={`${base}/edit${p.query}`}>
          Edit rule
        </a>
        <a class="button secondary" href={exportHref({ format: 'csv' })} download>
          Export CSV
        </a>
        <a class="button secondary" href={exportHref({ format: 'ndjson' })} download>
          Export NDJSON
        </a>
        <a class="button secondary" href={exportHref({ format: 'audience' })} download>
          Hashed audience file
        </a>
        <a
          class="button secondary"
          href={exportHref({ format: 'audience', platform: 'tiktok' })}
          download
        >
          Hashed audience file (TikTok)
        </a>
      </div>
      <div class="grid">
        <section class="card">
          <DailyChart
            label="Size (end of day)"
            days={days}
            series={[{ label: 'Members', values: sizes }]}
          />
        </section>
        <section class="card">
          <DailyChart
            label="Entries and exits per day"
            days={days}
            series={[
              { label: 'Entered', values: s.trend.map((d) => d.entered) },
              { label: 'Exited', values: s.trend.map((d) => d.exited) },
            ]}
          />
        </section>
      </div>
      <Members p={p} base={base} />
      <div class="grid">
        <section class="card" aria-labelledby="overlap-h">
          <h2 id="overlap-h">Overlap</h2>
          <form class="row" method="get" action={`${base}#overlap-h`}>
            <input type="hidden" name="source" value={s.sourceId} />
            <label>
              With segment
              <select name="with">
                {p.others.map((o) => (
                  <option value={o.key} selected={o.key === p.overlap?.b.key}>
                    {o.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit">Compare</button>
          </form>
          {p.overlap && (
            <dl class="facts" id="overlap">
              <dt>{s.name}</dt>
              <dd>{fmtInt(p.overlap.a.size)}</dd>
              <dt>{p.others.find((o) => o.key === p.overlap?.b.key)?.name ?? p.overlap.b.key}</dt>
              <dd>{fmtInt(p.overlap.b.size)}</dd>
              <dt>In both</dt>
              <dd>
                {`${fmtInt(p.overlap.both)} (${fmtPct(p.overlap.a.size ? p.overlap.both / p.overlap.a.size : 0)} of ${s.name})`}
              </dd>
            </dl>
          )}
        </section>
        <section class="card" aria-labelledby="utm-h">
          <h2 id="utm-h">UTM links</h2>
          {utm.length === 0 ? (
            <p class="empty">No UTM template: set one in the rule editor.</p>
          ) : (
            <dl class="facts" id="utm">
              {utm.map(([k, v]) => (
                <>
                  <dt>{k}</dt>
                  <dd class="mono">{String(v)}</dd>
                </>
              ))}
            </dl>
          )}
          <form class="row" method="get" action={`${base}#utm-h`}>
            <input type="hidden" name="source" value={s.sourceId} />
            <label class="wide">
              Landing page URL
              <input
                type="url"
                name="link"
                class="wide"
                value={p.link?.url ?? ''}
                placeholder="https://shop.example/sale"
                required
              />
            </label>
            <button type="submit">Build tagged link</button>
          </form>
          {p.link?.tagged && (
            <label class="wide">
              Tagged link (select and copy)
              <input id="tagged-link" class="wide" readonly value={p.link.tagged} />
            </label>
          )}
          {p.link?.error && (
            <p class="error" role="alert">
              {p.link.error}
            </p>
          )}
        </section>
      </div>
      <section class="card" aria-labelledby="webhook-h">
        <h2 id="webhook-h">Webhook</h2>
        <form class="row" method="post" action={`${base}/webhook${p.query}`}>
          <input type="hidden" name="_csrf" value={p.csrf} />
          <label>
            Enter/exit webhook URL (empty: off)
            <input
              type="url"
              name="url"
              value={p.webhookError?.url ?? s.webhook?.url ?? ''}
              size={40}
              placeholder="https://hooks.example/segmently"
            />
          </label>
          <button type="submit">Save webhook</button>
        </form>
        {p.webhookError && (
          <p class="error" role="alert">
            {p.webhookError.error}
          </p>
        )}
        {s.webhook?.secret && (
          <p class="note">
            Signing secret (HMAC-SHA256 of the body, header X-Segmently-Signature):{' '}
            <code>{s.webhook.secret}</code>
          </p>
        )}
        <h3>Delivery log</h3>
        {p.deliveries.length === 0 ? (
          <p class="empty">No deliveries yet.</p>
        ) : (
          <DataTable
            id="deliveries"
            columns={[
              'Created (UTC)',
              'Kind',
              'Profile',
              'Status',
              ['Attempts', 'num'],
              'Last error',
            ]}
          >
            {p.deliveries.map((d) => (
              <tr>
                <td class="mono">{d.createdAt.replace('T', ' ').slice(0, 19)}</td>
                <td>{d.kind}</td>
                <td class="mono">{d.profileId}</td>
                <td>
                  <span class={`badge ${DELIVERY_BADGES[d.status] ?? ''}`}>
                    {d.lastStatus ? `${d.status} (${d.lastStatus})` : d.status}
                  </span>
                </td>
                <td class="num">{d.attempts}</td>
                <td>{d.lastError ?? ''}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}
