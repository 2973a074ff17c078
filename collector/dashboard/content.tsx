import type { Child } from 'hono/jsx';
import type { ContentReport } from '../reports/content.js';
import type { Source } from '../sources/store.js';
import type { SegmentView } from './api-types.js';
import { DailyChart } from './charts.js';
import { DataTable } from './data-table.js';
import type { Filters } from './filters.js';
import { fmtInt, fmtPct } from './format.js';

export function fmtDuration(seconds: number) {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** Narrows the KPIs to one segment's current members. */
export function SegmentPicker(props: {
  filters: Filters;
  segments: SegmentView[];
  sources: Source[];
  selected?: string;
}) {
  const f = props.filters;
  // For all sources every source's built-ins are offered: like-named, told apart by source.
  const sourceName = (id: string) =>
    f.sourceId ? '' : ` (${props.sources.find((s) => s.id === id)?.name ?? id})`;
  return (
    <form class="card row" method="get" action="/app/content" aria-label="Segment">
      {f.sourceId && <input type="hidden" name="source" value={f.sourceId} />}
      <input type="hidden" name="from" value={f.from} />
      <input type="hidden" name="to" value={f.to} />
      <label>
        Viewers
        <select name="segment">
          <option value="">Everyone</option>
          {props.segments.map((s) => (
            <option value={s.id} selected={s.id === props.selected}>
              {`Segment: ${s.name}${sourceName(s.sourceId)}`}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Show</button>
    </form>
  );
}

export function ContentPage(props: { report: ContentReport; segmentPicker?: Child }) {
  const { items, daily } = props.report;
  return (
    <>
      {props.segmentPicker}
      <section class="card">
        <DailyChart
          label="Video views and completions per day"
          days={daily.map((d) => d.day)}
          series={[
            { label: 'Views', values: daily.map((d) => d.views) },
            { label: 'Completions', values: daily.map((d) => d.completions) },
          ]}
        />
      </section>
      <section class="card" aria-labelledby="content-h">
        <h2 id="content-h">Per content item</h2>
        {items.length === 0 ? (
          <p class="empty">
            No content events in this range. Send VideoStart, VideoProgress, VideoComplete,
            ContentLike, ContentComment or ContentShare with a content_id.
          </p>
        ) : (
          <DataTable
            id="content-kpis"
            columns={[
              'Content',
              ['Views', 'num'],
              ['Viewers', 'num'],
              ['Likes', 'num'],
              ['Comments', 'num'],
              ['Shares', 'num'],
              ['Watch time', 'num'],
              ['Completion', 'num'],
            ]}
          >
            {items.map((r) => (
              <tr data-content={r.contentId}>
                <td>
                  {r.contentName ?? r.contentId}
                  <br />
                  <small class="mono">{r.contentId}</small>
                </td>
                <td class="num" data-kpi="views">
                  {fmtInt(r.views)}
                </td>
                <td class="num">{fmtInt(r.viewers)}</td>
                <td class="num" data-kpi="likes">
                  {fmtInt(r.likes)}
                </td>
                <td class="num" data-kpi="comments">
                  {fmtInt(r.comments)}
                </td>
                <td class="num" data-kpi="shares">
                  {fmtInt(r.shares)}
                </td>
                <td class="num" data-kpi="watch">
                  {fmtDuration(r.watchSeconds)}
                </td>
                <td class="num" data-kpi="completion">
                  {fmtPct(r.completionRate)}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}
